package io.rocketkube.client.protocol;

/** One window of a VIEW_BROKER_STATS_DATA answer: the count, its rate per second, and the count per call. */
public record BrokerStatsItem(long sum, double tps, double avgpt) {}
