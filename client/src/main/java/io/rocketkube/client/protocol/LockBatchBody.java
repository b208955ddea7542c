package io.rocketkube.client.protocol;

import java.util.Set;

/** Body of LOCK_BATCH_MQ and UNLOCK_BATCH_MQ requests (§3.8); 5.x's {@code onlyThisBroker} is ignored. */
public record LockBatchBody(String consumerGroup, String clientId, Set<MessageQueue> mqSet) {
    public LockBatchBody {
        mqSet = mqSet == null ? Set.of() : Set.copyOf(mqSet);
    }
}
