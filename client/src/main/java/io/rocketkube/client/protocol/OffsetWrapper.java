package io.rocketkube.client.protocol;

/**
 * One queue of a ConsumeStats: broker max offset, the group's committed offset, the store time before it, and where
 * its last pull ended (5.x only; 5.x mqadmin consumerProgress prints pull − committed as "Inflight").
 */
public record OffsetWrapper(long brokerOffset, long consumerOffset, long lastTimestamp, long pullOffset) {}
