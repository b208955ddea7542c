package io.rocketkube.client.protocol;

import java.util.List;
import java.util.Map;

/** Body of GET_CONSUMER_CONNECTION_LIST (§3.8). */
public record ConsumerConnection(
        List<Connection> connectionSet,
        Map<String, SubscriptionData> subscriptionTable,
        String consumeType,
        String messageModel,
        String consumeFromWhere) {}
