package io.rocketkube.store.commitlog;

/**
 * Replicated bytes hold a record that fails validation ({@link ReplicaAppendCheck}); nothing of them was
 * written. The replica must not go on from this stream: its master sent something other than its log.
 */
public final class InvalidReplicatedDataException extends IllegalArgumentException {
    private final long offset;

    public InvalidReplicatedDataException(long offset, String reason) {
        super("invalid replicated record at " + offset + ": " + reason);
        this.offset = offset;
    }

    /** Physical offset of the first invalid record. */
    public long offset() {
        return offset;
    }
}
