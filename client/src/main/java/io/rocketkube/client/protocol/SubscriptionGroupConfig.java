package io.rocketkube.client.protocol;

/**
 * A consumer group's settings on a broker (§3.8, the 4.9 field set; 5.x extras are ignored on input).
 */
public record SubscriptionGroupConfig(
        String groupName,
        boolean consumeEnable,
        boolean consumeFromMinEnable,
        boolean consumeBroadcastEnable,
        int retryQueueNums,
        int retryMaxTimes,
        long brokerId,
        long whichBrokerWhenConsumeSlowly,
        boolean notifyConsumerIdsChangedEnable) {
    /** The reference defaults, used for auto-created groups. */
    public static SubscriptionGroupConfig defaults(String groupName) {
        return new SubscriptionGroupConfig(groupName, true, true, true, 1, 16, 0, 1, true);
    }
}
