package io.rocketkube.broker.acl;

import java.util.Map;

/**
 * One account of plain_acl.yml, validated: its keys, the addresses it is let in from without a signature, whether
 * it is an admin, and its permissions per topic and per consumer group (by group name, not retry topic) with the
 * defaults for the others.
 */
public record AclAccount(
        String accessKey,
        String secretKey,
        RemoteAddressPattern whiteRemoteAddress,
        boolean admin,
        byte defaultTopicPerm,
        byte defaultGroupPerm,
        Map<String, Byte> topicPerms,
        Map<String, Byte> groupPerms) {
    /** RocketMQ's shortest key, for access and secret key alike. */
    public static final int MIN_KEY_LENGTH = 6;

    public AclAccount {
        if (accessKey == null
                || secretKey == null
                || accessKey.length() < MIN_KEY_LENGTH
                || secretKey.length() < MIN_KEY_LENGTH) {
            throw new IllegalArgumentException("The accessKey=" + accessKey + " and secretKey cannot be null or"
                    + " less than length of " + MIN_KEY_LENGTH);
        }
        if (accessKey.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("The accessKey=" + accessKey + " must not contain white space");
        }
        topicPerms = Map.copyOf(topicPerms);
        groupPerms = Map.copyOf(groupPerms);
    }

    /** What this account holds on a topic: its own entry, else the default. */
    byte topicPerm(String topic) {
        return topicPerms.getOrDefault(topic, defaultTopicPerm);
    }

    /** What this account holds on a group: its own entry, else the default. */
    byte groupPerm(String group) {
        return groupPerms.getOrDefault(group, defaultGroupPerm);
    }

    @Override
    public String toString() {
        // Never the secret key: records print in logs and exception messages.
        return "AclAccount[" + accessKey + ", admin=" + admin + "]";
    }
}
