package io.rocketkube.client.protocol;

/** One queue of a TopicStatsTable. */
public record TopicOffset(long minOffset, long maxOffset, long lastUpdateTimestamp) {}
