package io.rocketkube.client.protocol;

import java.util.List;

/**
 * Body of QUERY_CONSUME_QUEUE: entries of one queue from an index, the queue's bounds, and, when a group is
 * named, its subscription (or in {@code filterData} why there is none).
 */
public record QueryConsumeQueueResponseBody(
        SubscriptionData subscriptionData,
        String filterData,
        List<ConsumeQueueData> queueData,
        long maxQueueIndex,
        long minQueueIndex) {
    public QueryConsumeQueueResponseBody {
        queueData = queueData == null ? List.of() : List.copyOf(queueData);
    }
}
