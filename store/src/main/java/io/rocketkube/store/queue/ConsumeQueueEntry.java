package io.rocketkube.store.queue;

/** One decoded ConsumeQueue unit (see {@link ConsumeQueue} for the layout). */
public record ConsumeQueueEntry(long queueOffset, long commitLogOffset, int size, long tagsCode) {}
