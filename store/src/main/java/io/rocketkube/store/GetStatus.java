package io.rocketkube.store;

/**
 * Outcome of {@link MessageStore#get}, as RocketMQ's GetMessageStatus (docs/protocol.md §5.4 table).
 */
public enum GetStatus {
    /** At least one message returned. nextBeginOffset = offset + entries scanned. */
    FOUND,
    /** Entries were scanned but the filter matched none. nextBeginOffset = offset + entries scanned. */
    NO_MATCHED_MESSAGE,
    /** The ConsumeQueue entry points at CommitLog data already deleted by retention. */
    MESSAGE_WAS_REMOVING,
    /** The ConsumeQueue file for this offset is gone. */
    OFFSET_FOUND_NULL,
    /** offset &gt; max: nextBeginOffset = max. */
    OFFSET_OVERFLOW_BADLY,
    /** offset == max: nothing new yet (the broker long-polls). */
    OFFSET_OVERFLOW_ONE,
    /** offset &lt; min: nextBeginOffset = min. */
    OFFSET_TOO_SMALL,
    /** The topic/queue has no ConsumeQueue. nextBeginOffset = 0. */
    NO_MATCHED_LOGIC_QUEUE,
    /** The queue exists but has never held a message (max == 0). nextBeginOffset = 0. */
    NO_MESSAGE_IN_QUEUE
}
