package io.rocketkube.store;

/** One decoded ConsumeQueue unit (see {@code queue.ConsumeQueue} for the layout). */
public record ConsumeQueueEntry(long queueOffset, long commitLogOffset, int size, long tagsCode) {}
