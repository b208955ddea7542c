package io.rocketkube.client.protocol;

/** A producer group one client reports in HEART_BEAT. */
public record ProducerData(String groupName) {}
