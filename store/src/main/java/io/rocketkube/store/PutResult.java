package io.rocketkube.store;

import java.util.Arrays;

/**
 * The outcome of {@link MessageStore#put} or {@link MessageStore#putBatch}: a status and, when stored,
 * where each message went. Immutable.
 */
public final class PutResult {

    private static final long[] NONE = new long[0];

    private final PutStatus status;
    private final long[] physicalOffsets;
    private final long[] queueOffsets;
    private final int wroteBytes;
    private final long storeTimestamp;
    private final String errorMessage;

    private PutResult(
            PutStatus status,
            long[] physicalOffsets,
            long[] queueOffsets,
            int wroteBytes,
            long storeTimestamp,
            String errorMessage) {
        this.status = status;
        this.physicalOffsets = physicalOffsets;
        this.queueOffsets = queueOffsets;
        this.wroteBytes = wroteBytes;
        this.storeTimestamp = storeTimestamp;
        this.errorMessage = errorMessage;
    }

    /** A stored result; the arrays hold one entry per message, in request order. */
    public static PutResult stored(
            PutStatus status, long[] physicalOffsets, long[] queueOffsets, int wroteBytes, long storeTimestamp) {
        if (!status.isStored()) {
            throw new IllegalArgumentException(status + " is not a stored status");
        }
        if (physicalOffsets.length != queueOffsets.length || physicalOffsets.length == 0) {
            throw new IllegalArgumentException("one physical and one queue offset per message");
        }
        return new PutResult(status, physicalOffsets.clone(), queueOffsets.clone(), wroteBytes, storeTimestamp, null);
    }

    /** A refusal: nothing was written. */
    public static PutResult refused(PutStatus status, String errorMessage) {
        if (status.isStored()) {
            throw new IllegalArgumentException(status + " is a stored status");
        }
        return new PutResult(status, NONE, NONE, 0, 0, errorMessage);
    }

    /** The same placement with another status (e.g. FLUSH_DISK_TIMEOUT). */
    public PutResult withStatus(PutStatus newStatus) {
        return stored(newStatus, physicalOffsets, queueOffsets, wroteBytes, storeTimestamp);
    }

    public PutStatus status() {
        return status;
    }

    public boolean isOk() {
        return status == PutStatus.PUT_OK;
    }

    public int messageCount() {
        return physicalOffsets.length;
    }
    /** Physical offset of message {@code i} of the request. */
    public long physicalOffset(int i) {
        return physicalOffsets[i];
    }
    /** Queue offset of message {@code i} of the request (0 for PREPARED/ROLLBACK transaction records). */
    public long queueOffset(int i) {
        return queueOffsets[i];
    }

    public long firstPhysicalOffset() {
        return physicalOffsets[0];
    }

    public long firstQueueOffset() {
        return queueOffsets[0];
    }

    public long[] physicalOffsets() {
        return physicalOffsets.clone();
    }

    public long[] queueOffsets() {
        return queueOffsets.clone();
    }
    /** Total record bytes appended. */
    public int wroteBytes() {
        return wroteBytes;
    }

    public long storeTimestamp() {
        return storeTimestamp;
    }
    /** Why a refused put was refused; null when stored. */
    public String errorMessage() {
        return errorMessage;
    }

    @Override
    public String toString() {
        return "PutResult{" + status + (errorMessage != null ? ", " + errorMessage : "")
                + ", phy=" + Arrays.toString(physicalOffsets) + ", queue=" + Arrays.toString(queueOffsets)
                + ", bytes=" + wroteBytes + "}";
    }
}
