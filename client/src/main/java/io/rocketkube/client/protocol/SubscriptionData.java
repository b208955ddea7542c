package io.rocketkube.client.protocol;

import java.util.Set;

/**
 * One topic subscription of a consumer group, as HEART_BEAT carries it (docs/protocol.md §3.9).
 * {@code codeSet} holds {@code String.hashCode()} of each tag: the value stored as the consume-queue tags code.
 */
public record SubscriptionData(
        String topic,
        String subString,
        Set<String> tagsSet,
        Set<Integer> codeSet,
        long subVersion,
        String expressionType,
        boolean classFilterMode) {
    public static final String SUB_ALL = "*";
    public static final String EXPRESSION_TAG = "TAG";

    public SubscriptionData {
        tagsSet = tagsSet == null ? Set.of() : Set.copyOf(tagsSet);
        codeSet = codeSet == null ? Set.of() : Set.copyOf(codeSet);
        expressionType = expressionType == null ? EXPRESSION_TAG : expressionType;
    }

    /** Whether every message matches: no expression, or {@code *}. */
    public boolean matchesAll() {
        return subString == null || subString.isBlank() || SUB_ALL.equals(subString.trim());
    }

    /**
     * Builds a TAG subscription from an expression such as {@code TagA || TagB}, as the client does.
     *
     * @throws IllegalArgumentException if the expression has an empty tag
     */
    public static SubscriptionData ofTags(String topic, String expression, long subVersion) {
        String trimmed = expression == null ? "" : expression.trim();
        if (trimmed.isEmpty() || SUB_ALL.equals(trimmed)) {
            return new SubscriptionData(topic, SUB_ALL, Set.of(), Set.of(), subVersion, EXPRESSION_TAG, false);
        }
        java.util.LinkedHashSet<String> tags = new java.util.LinkedHashSet<>();
        java.util.LinkedHashSet<Integer> codes = new java.util.LinkedHashSet<>();
        for (String part : trimmed.split("\\|\\|")) {
            String tag = part.trim();
            if (tag.isEmpty()) {
                throw new IllegalArgumentException("empty tag in subscription expression '" + expression + "'");
            }
            tags.add(tag);
            codes.add(tag.hashCode());
        }
        return new SubscriptionData(topic, trimmed, tags, codes, subVersion, EXPRESSION_TAG, false);
    }
}
