package io.rocketkube.client.protocol;

import java.util.Set;

/** Body of the topic-list requests; {@code brokerAddr} is set only by brokers. */
public record TopicList(Set<String> topicList, String brokerAddr) {
    public static TopicList of(Set<String> topics) {
        return new TopicList(topics, null);
    }
}
