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
 * @param maxQueuedRequestBytes bytes of accepted, unanswered requests over all connections; frames beyond
 *                          it are answered SYSTEM_BUSY without being buffered ({@link InboundBudget})
 * @param maxQueuedRequestBytesPerConnection a connection is not read once it has this much queued, until half
 *                          of it is answered
 */
public record RemotingServerConfig(
        String host,
        int port,
        int ioThreads,
        int maxFrameLength,
        Duration idleTimeout,
        int writeLowWaterMark,
        int writeHighWaterMark,
        boolean preferEpoll,
        int maxInFlightAsync,
        int maxInFlightOneway,
        long maxQueuedRequestBytes,
        long maxQueuedRequestBytesPerConnection) {
    public static final int DEFAULT_MAX_FRAME_LENGTH = 16 * 1024 * 1024;
    /**
     * Our brokers run in 128-256 MiB heaps (e2e/README.md: 128 MiB SerialGC measured, 256 MiB recommended),
     * of which an idle broker's live set takes some 30 MiB. A quarter of the smaller heap for request bodies
     * in flight still admits seven 4 MiB batches at once, and leaves room for the copies the send path makes.
     */
    public static final long DEFAULT_MAX_QUEUED_REQUEST_BYTES = 32L * 1024 * 1024;
    /** Enough for a pipelining producer to keep a send pool busy; past it the connection waits, not the others. */
    public static final long DEFAULT_MAX_QUEUED_REQUEST_BYTES_PER_CONNECTION = 8L * 1024 * 1024;

    public RemotingServerConfig {
        if (maxFrameLength <= 0
                || ioThreads <= 0
                || writeLowWaterMark > writeHighWaterMark
                || maxQueuedRequestBytes <= 0
                || maxQueuedRequestBytesPerConnection <= 0) {
            throw new IllegalArgumentException("invalid remoting server config: " + maxFrameLength + " frame, "
                    + ioThreads + " threads, water marks " + writeLowWaterMark + "/" + writeHighWaterMark);
        }
    }

    public static RemotingServerConfig of(String host, int port) {
        return new RemotingServerConfig(
                host,
                port,
                Math.max(2, Runtime.getRuntime().availableProcessors()),
                DEFAULT_MAX_FRAME_LENGTH,
                Duration.ofSeconds(120),
                32 * 1024,
                4 * 1024 * 1024,
                true,
                1024,
                1024,
                DEFAULT_MAX_QUEUED_REQUEST_BYTES,
                DEFAULT_MAX_QUEUED_REQUEST_BYTES_PER_CONNECTION);
    }

    public RemotingServerConfig withMaxFrameLength(int newMaxFrameLength) {
        return new RemotingServerConfig(
                host,
                port,
                ioThreads,
                newMaxFrameLength,
                idleTimeout,
                writeLowWaterMark,
                writeHighWaterMark,
                preferEpoll,
                maxInFlightAsync,
                maxInFlightOneway,
                maxQueuedRequestBytes,
                maxQueuedRequestBytesPerConnection);
    }

    public RemotingServerConfig withIdleTimeout(Duration newIdleTimeout) {
        return new RemotingServerConfig(
                host,
                port,
                ioThreads,
                maxFrameLength,
                newIdleTimeout,
                writeLowWaterMark,
                writeHighWaterMark,
                preferEpoll,
                maxInFlightAsync,
                maxInFlightOneway,
                maxQueuedRequestBytes,
                maxQueuedRequestBytesPerConnection);
    }

    public RemotingServerConfig withMaxQueuedRequestBytes(long total, long perConnection) {
        return new RemotingServerConfig(
                host,
                port,
                ioThreads,
                maxFrameLength,
                idleTimeout,
                writeLowWaterMark,
                writeHighWaterMark,
                preferEpoll,
                maxInFlightAsync,
                maxInFlightOneway,
                total,
                perConnection);
    }

    public RemotingServerConfig withIoThreads(int threads) {
        return new RemotingServerConfig(
                host,
                port,
                threads,
                maxFrameLength,
                idleTimeout,
                writeLowWaterMark,
                writeHighWaterMark,
                preferEpoll,
                maxInFlightAsync,
                maxInFlightOneway,
                maxQueuedRequestBytes,
                maxQueuedRequestBytesPerConnection);
    }
}
