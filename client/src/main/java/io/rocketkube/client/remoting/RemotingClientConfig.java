package io.rocketkube.client.remoting;

import java.time.Duration;

/**
 * How a remoting client connects.
 *
 * @param ioThreads         event-loop threads
 * @param connectTimeout    time allowed for a TCP connect
 * @param maxFrameLength    largest frame accepted from a server
 * @param idleTimeout       connections silent this long are closed; zero disables
 * @param preferEpoll       use native epoll when available
 * @param maxInFlightAsync  async requests that may await responses at once
 * @param maxInFlightOneway oneway requests that may be unwritten at once
 */
public record RemotingClientConfig(
        int ioThreads,
        Duration connectTimeout,
        int maxFrameLength,
        Duration idleTimeout,
        boolean preferEpoll,
        int maxInFlightAsync,
        int maxInFlightOneway) {
    public static RemotingClientConfig defaults() {
        return new RemotingClientConfig(
                1,
                Duration.ofSeconds(3),
                RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH,
                Duration.ofSeconds(120),
                true,
                65535,
                65535);
    }
}
