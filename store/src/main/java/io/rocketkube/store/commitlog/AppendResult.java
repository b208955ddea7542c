package io.rocketkube.store.commitlog;

/**
 * Where an appended batch went.
 *
 * @param end the physical offset just past the batch: durable once the flushed offset reaches it
 */
public record AppendResult(
        long[] physicalOffsets, long[] queueOffsets, int wroteBytes, long storeTimestamp, long end) {}
