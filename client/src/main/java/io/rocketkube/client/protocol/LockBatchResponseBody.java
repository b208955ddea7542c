package io.rocketkube.client.protocol;

import java.util.Set;

/** Body of the LOCK_BATCH_MQ response: the queues granted to the caller. */
public record LockBatchResponseBody(Set<MessageQueue> lockOKMQSet) {}
