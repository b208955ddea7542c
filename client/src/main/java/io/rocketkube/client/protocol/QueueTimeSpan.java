package io.rocketkube.client.protocol;

/**
 * One queue's entry of QUERY_CONSUME_TIME_SPAN: store times of its first and last message and of the group's last
 * consumed one, and how long the group's next message has waited (0 when the group is caught up). -1 stands for a
 * time the store does not have, as the reference writes it.
 */
public record QueueTimeSpan(
        MessageQueue messageQueue, long minTimeStamp, long maxTimeStamp, long consumeTimeStamp, long delayTime) {}
