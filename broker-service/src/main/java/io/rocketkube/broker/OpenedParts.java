package io.rocketkube.broker;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What {@link Broker#open} has built so far that holds something (a thread pool, a Netty event loop's file
 * descriptors, mapped files, the store's directory lock), so that a step failing later closes them, last
 * built first, and a failed open leaves nothing behind. A successful open drops the list: from then on
 * {@link Broker#close()} owns the order.
 */
final class OpenedParts {
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T part) {
        parts.push(part);
        return part;
    }

    /** A part whose release is not its {@code close()}. */
    <T> T add(T part, AutoCloseable release) {
        parts.push(release);
        return part;
    }

    /** Closes every part, last added first, each even if another fails; their failures join {@code cause}. */
    void closeAfter(Throwable cause) {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception | Error e) {
                cause.addSuppressed(e);
            }
        }
    }
}
