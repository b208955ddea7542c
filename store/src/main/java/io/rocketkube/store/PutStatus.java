package io.rocketkube.store;

/**
 * Outcome of an append, as RocketMQ's PutMessageStatus; the broker maps these to response codes
 * (docs/protocol.md §5.2.4 step 9).
 */
public enum PutStatus {
    /** Stored (and, under SYNC_FLUSH with WAIT, durable). */
    PUT_OK(true),
    /** Stored, but not made durable within the sync flush timeout. */
    FLUSH_DISK_TIMEOUT(true),
    /** Stored on the master (SYNC_MASTER), but no slave acknowledged it within the slave timeout. */
    FLUSH_SLAVE_TIMEOUT(true),
    /** Stored on the master (SYNC_MASTER), but no slave is attached or it lags too far to wait for. */
    SLAVE_NOT_AVAILABLE(true),
    /** Refused: too large, bad topic, or malformed fields. Nothing was written. */
    MESSAGE_ILLEGAL(false),
    /** Refused: properties longer than 32767 bytes. Nothing was written. */
    PROPERTIES_SIZE_EXCEEDED(false),
    /**
     * Refused: the store is shut down, read-only (replica), or failed to write or sync. Nothing was
     * acknowledged (after a failed sync, a waiting message may be stored but is not known durable).
     */
    SERVICE_NOT_AVAILABLE(false),
    /**
     * Refused: the data directory's file system is fuller than
     * {@link StoreConfig#diskFullPercent()}. Nothing was written. RocketMQ reports this as
     * SERVICE_NOT_AVAILABLE ("the broker's disk is full").
     */
    DISK_FULL(false),
    /** Refused: the writer is overloaded. Nothing was written. */
    OS_PAGECACHE_BUSY(false),
    /** Refused: a new segment file could not be created. Nothing was written. */
    CREATE_MAPPED_FILE_FAILED(false),
    /** Refused for another reason. Nothing was written. */
    UNKNOWN_ERROR(false);

    private final boolean stored;

    PutStatus(boolean stored) {
        this.stored = stored;
    }

    /** Whether the message is in the store (and will be served) despite the status. */
    public boolean isStored() {
        return stored;
    }

    /**
     * Whether the refusal is about the message itself, so the same request will be refused however often it
     * is tried again (as opposed to the store's state: full, shut down, busy).
     */
    public boolean refusesTheMessage() {
        return this == MESSAGE_ILLEGAL || this == PROPERTIES_SIZE_EXCEEDED;
    }
}
