package io.rocketkube.broker.stats;

/**
 * One request pool's queue as GET_BROKER_RUNTIME_INFO reports it.
 *
 * @param size           tasks waiting for a thread
 * @param capacity       tasks the queue holds before the broker answers SYSTEM_BUSY
 * @param headWaitMillis how long the oldest waiting task has waited; 0 when none waits
 */
public record QueueSnapshot(int size, int capacity, long headWaitMillis) {}
