package io.rocketkube.client.protocol;

import java.util.Map;

/**
 * A topic as a broker holds it (docs/protocol.md §3.5). {@code attributes} is 5.x's and omitted when
 * null. Also has the space-separated text form used in compressed registrations.
 */
public record TopicConfig(
        String topicName,
        int readQueueNums,
        int writeQueueNums,
        int perm,
        String topicFilterType,
        int topicSysFlag,
        boolean order,
        Map<String, String> attributes) {
    public static final String SINGLE_TAG = "SINGLE_TAG";

    public TopicConfig {
        if (topicFilterType == null) {
            topicFilterType = SINGLE_TAG;
        }
    }

    public static TopicConfig of(String name, int queues, int perm) {
        return new TopicConfig(name, queues, queues, perm, SINGLE_TAG, 0, false, null);
    }

    public TopicConfig withPerm(int newPerm) {
        return new TopicConfig(
                topicName, readQueueNums, writeQueueNums, newPerm, topicFilterType, topicSysFlag, order, attributes);
    }

    /** Parses "name read write perm filterType [attributesJson]"; null for a malformed line. */
    public static TopicConfig parseText(String text) {
        String[] parts = text.trim().split(" ", 6);
        if (parts.length < 5) {
            return null;
        }
        try {
            return new TopicConfig(
                    parts[0],
                    Integer.parseInt(parts[1]),
                    Integer.parseInt(parts[2]),
                    Integer.parseInt(parts[3]),
                    parts[4],
                    0,
                    false,
                    null);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public String toText() {
        return topicName + ' ' + readQueueNums + ' ' + writeQueueNums + ' ' + perm + ' ' + topicFilterType;
    }
}
