package io.rocketkube.client.remoting;

import java.time.Duration;

/**
 * How a remoting server listens.
 *
 * @param host              address to bind; {@code 0.0.0.0} for all
 * @param port              TCP port; 0 picks a free one (tests)
 * @param ioThreads         event-loop threads for socket I/O
 * @param maxFrameLength    frames announcing more bytes than this are refused and their connection closed
 * @param idleTimeout       connections silent this long are closed; zero disables
 * @param writeLowWaterMark channel becomes writable again below this many queued bytes
 * @param writeHighWaterMark channel turns unwritable (and we stop reading from it) above this many bytes
 * @param preferEpoll       use native epoll when available
 * @param maxInFlightAsync  async requests this server may have outstanding towards its clients
 * @param maxInFlightOneway oneway requests this server may have unwritten towards its clients
 */
public record RemotingServerConfig(String host, int port, int ioThreads, int maxFrameLength, Duration idleTimeout,
                                   int writeLowWaterMark, int writeHighWaterMark, boolean preferEpoll,
                                   int maxInFlightAsync, int maxInFlightOneway) {
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;

    public RemotingServerConfig {
        if (maxFrameLength <= 0 || ioThreads <= 0 || writeLowWaterMark > writeHighWaterMark) {
            throw new IllegalArgumentException("invalid remoting server config: " + maxFrameLength + " frame, "
                    + ioThreads + " threads, water marks " + writeLowWaterMark + "/" + writeHighWaterMark);
        }
    }

    public static RemotingServerConfig of(String host, int port) {
        return new RemotingServerConfig(host, port, Math.max(2, Runtime.getRuntime().availableProcessors()),
                DEFAULT_MAX_FRAME_LENGTH, Duration.ofSeconds(120), 32 * 1024, 4 * 1024 * 1024, true, 1024, 1024);
    }

    public RemotingServerConfig withMaxFrameLength(int newMaxFrameLength) {
        return new RemotingServerConfig(host, port, ioThreads, newMaxFrameLength, idleTimeout, writeLowWaterMark,
                writeHighWaterMark, preferEpoll, maxInFlightAsync, maxInFlightOneway);
    }

    public RemotingServerConfig withIdleTimeout(Duration newIdleTimeout) {
        return new RemotingServerConfig(host, port, ioThreads, maxFrameLength, newIdleTimeout, writeLowWaterMark,
                writeHighWaterMark, preferEpoll, maxInFlightAsync, maxInFlightOneway);
    }

    public RemotingServerConfig withIoThreads(int threads) {
        return new RemotingServerConfig(host, port, threads, maxFrameLength, idleTimeout, writeLowWaterMark,
                writeHighWaterMark, preferEpoll, maxInFlightAsync, maxInFlightOneway);
    }
}
