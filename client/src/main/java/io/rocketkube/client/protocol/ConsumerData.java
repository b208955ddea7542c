package io.rocketkube.client.protocol;

import java.util.List;

/**
 * A consumer group as one client reports it in HEART_BEAT (§3.9). The enums travel as their names and are
 * kept as strings, so that values a newer client adds (5.x {@code CONSUME_POP}) pass through unchanged.
 */
public record ConsumerData(
        String groupName,
        String consumeType,
        String messageModel,
        String consumeFromWhere,
        List<SubscriptionData> subscriptionDataSet,
        boolean unitMode) {
    public static final String CLUSTERING = "CLUSTERING";
    public static final String BROADCASTING = "BROADCASTING";

    public ConsumerData {
        subscriptionDataSet = subscriptionDataSet == null ? List.of() : List.copyOf(subscriptionDataSet);
    }
}
