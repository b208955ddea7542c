package io.rocketkube.client.protocol;

/** One queue of a ConsumeStats: broker max offset, the group's committed offset, and the store time before it. */
public record OffsetWrapper(long brokerOffset, long consumerOffset, long lastTimestamp) {}
