package io.rocketkube.store;

import java.util.List;

/**
 * The outcome of {@link MessageStore#get}. {@link #messages()} are read-only slices of the CommitLog's
 * memory mapping, so the broker can write them to a socket without copying.
 *
 * <p><b>Lifetime.</b> The slices stay valid until {@link #close()}. Retention never unmaps a segment
 * while a GetResult on it is open; after close() the mapping may go at any time and the slices must
 * not be touched. close() is idempotent. A result with no messages holds nothing, and close() is then a
 * no-op.
 */
public final class GetResult implements AutoCloseable {

    private final GetStatus status;
    private final long nextBeginOffset;
    private final long minOffset;
    private final long maxOffset;
    private final List<MessageSlice> messages;
    private final int totalBytes;
    private final Runnable release;
    private boolean closed;

    public GetResult(
            GetStatus status,
            long nextBeginOffset,
            long minOffset,
            long maxOffset,
            List<MessageSlice> messages,
            Runnable release) {
        this.status = status;
        this.nextBeginOffset = nextBeginOffset;
        this.minOffset = minOffset;
        this.maxOffset = maxOffset;
        this.messages = List.copyOf(messages);
        int bytes = 0;
        for (MessageSlice m : this.messages) {
            bytes += m.size();
        }
        this.totalBytes = bytes;
        this.release = release;
    }

    /** A result without messages. */
    public static GetResult empty(GetStatus status, long nextBeginOffset, long minOffset, long maxOffset) {
        return new GetResult(status, nextBeginOffset, minOffset, maxOffset, List.of(), () -> {});
    }

    public GetStatus status() {
        return status;
    }
    /** The queue offset the consumer should ask for next. */
    public long nextBeginOffset() {
        return nextBeginOffset;
    }
    /** The queue's min offset when the read was made. */
    public long minOffset() {
        return minOffset;
    }
    /** The queue's max offset (next offset to be written) when the read was made. */
    public long maxOffset() {
        return maxOffset;
    }

    public List<MessageSlice> messages() {
        return messages;
    }

    public int messageCount() {
        return messages.size();
    }

    public int totalBytes() {
        return totalBytes;
    }

    /** Lets retention unmap the segments the slices point into. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release.run();
        }
    }

    @Override
    public String toString() {
        return "GetResult{" + status + ", next=" + nextBeginOffset + ", min=" + minOffset + ", max=" + maxOffset
                + ", messages=" + messages.size() + ", bytes=" + totalBytes + "}";
    }
}
