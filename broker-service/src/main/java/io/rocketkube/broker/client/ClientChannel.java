package io.rocketkube.broker.client;

import io.netty.channel.Channel;

/**
 * One client connection as its heartbeats describe it. {@code lastHeartbeat} is refreshed by every heartbeat
 * and is what idle cleanup compares against.
 */
public record ClientChannel(Channel channel, String clientId, String language, int version, long lastHeartbeat) {
    public String remoteAddress() {
        java.net.SocketAddress address = channel.remoteAddress();
        if (address instanceof java.net.InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
