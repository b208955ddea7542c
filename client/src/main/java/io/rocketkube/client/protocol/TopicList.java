package io.rocketkube.client.protocol;

import java.util.Set;

/**
 * Body of the topic-list requests; {@code brokerAddr} is set by brokers, and by a NameServer's system-topic
 * answer (a broker to ask for the rest).
 */
public record TopicList(Set<String> topicList, String brokerAddr) {
    public static TopicList of(Set<String> topics) {
        return new TopicList(topics, null);
    }
}
