package io.rocketkube.store;

/**
 * A snapshot of store counters, for GET_BROKER_RUNTIME_INFO.
 *
 * @param putMessageCount        messages appended since open
 * @param putMessageBytes        record bytes appended since open
 * @param getFoundCount          messages returned by get since open
 * @param getMissCount           gets that returned nothing
 * @param dispatchBehindBytes    CommitLog bytes not yet in the ConsumeQueues
 * @param commitLogMinOffset     first physical offset still stored
 * @param commitLogMaxOffset     next physical offset to be written
 * @param flushedOffset          physical offset up to which the CommitLog is durable
 * @param earliestMessageTime    store time of the oldest stored message, -1 if none
 */
public record StoreStats(
        long putMessageCount,
        long putMessageBytes,
        long getFoundCount,
        long getMissCount,
        long dispatchBehindBytes,
        long commitLogMinOffset,
        long commitLogMaxOffset,
        long flushedOffset,
        long earliestMessageTime) {}
