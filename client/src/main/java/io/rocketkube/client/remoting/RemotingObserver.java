package io.rocketkube.client.remoting;

import io.netty.channel.Channel;

/**
 * What an endpoint tells its owner about connections and traffic: the NameServer drops brokers on close,
 * and metrics count requests. Methods run on I/O or processor threads and must not block.
 */
public interface RemotingObserver {
    RemotingObserver NONE = new RemotingObserver() {};

    default void channelActive(Channel channel) {}

    default void channelClosed(Channel channel) {}

    /** The channel saw no traffic for the idle timeout; the endpoint closes it right after this call. */
    default void channelIdle(Channel channel) {}

    /** A request was answered (or, for oneway requests, handled) with this response code. */
    default void requestHandled(int requestCode, int responseCode, long elapsedNanos) {}

    /** The connection broke the protocol and is being closed. */
    default void protocolError(Channel channel, String reason) {}
}
