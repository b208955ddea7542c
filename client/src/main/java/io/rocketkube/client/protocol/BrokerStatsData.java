package io.rocketkube.client.protocol;

/** Body of VIEW_BROKER_STATS_DATA: one statistic of one key over the last minute, hour and day. */
public record BrokerStatsData(BrokerStatsItem statsMinute, BrokerStatsItem statsHour, BrokerStatsItem statsDay) {}
