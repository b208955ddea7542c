package io.rocketkube.store.commitlog;

/** A (topic, queueId) pair, as a map key. */
public record TopicQueue(String topic, int queueId) {}
