package io.rocketkube.client.protocol;

import java.util.Map;

/** Body of GET_ALL_SUBSCRIPTIONGROUP_CONFIG: every group config with the table's version. */
public record SubscriptionGroupWrapper(
        Map<String, SubscriptionGroupConfig> subscriptionGroupTable, DataVersion dataVersion) {}
