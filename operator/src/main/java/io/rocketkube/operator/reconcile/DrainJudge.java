package io.rocketkube.operator.reconcile;

import io.rocketkube.operator.admin.TopicBacklog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides whether a leaving group holds nothing a consumer still needs. Pure: it reads only the
 * broker's offsets, so every rule is unit-tested without brokers.
 *
 * <p>A group is drained when, for every topic on it (retry topics included), every consumer group
 * with offsets on the topic has committed up to each queue's max offset. A queue a group never
 * committed on counts as unread from its min offset. A topic that stores messages and has no
 * consumer group at all is not drained: nobody has read those messages, and deleting the group
 * would lose them.
 *
 * <p>Dead letters block too, with a reason of their own. A {@code %DLQ%} topic that no consumer
 * group reads holds messages every retry already failed on, which RocketMQ keeps for a person to
 * inspect or replay; they were acknowledged to their producers, so deleting them silently would
 * lose acknowledged messages. The condition names them ({@code DeadLettersRemaining}, with the
 * counts) and says the two ways out: consume the DLQ topic, or force the scale-in. A DLQ that some
 * consumer group reads is an ordinary topic: its unconsumed messages block like any other.
 */
public final class DrainJudge {

    /** RocketMQ's dead-letter topics: {@code %DLQ%} followed by the consumer group. */
    public static final String DLQ_PREFIX = "%DLQ%";

    private DrainJudge() {}

    /**
     * What is left on the group.
     *
     * @param unconsumed by topic, the messages some consumer group has not consumed yet (summed over
     *     the groups and queues)
     * @param unread by topic, stored messages of topics that no consumer group consumes
     * @param deadLetters by {@code %DLQ%} topic that no consumer group reads, its stored messages;
     *     blocking, reported apart from {@code unread}
     */
    public record Verdict(Map<String, Long> unconsumed, Map<String, Long> unread, Map<String, Long> deadLetters) {

        public boolean drained() {
            return unconsumed.isEmpty() && unread.isEmpty() && deadLetters.isEmpty();
        }

        /** Every message left, for the status. */
        public long remaining() {
            return unconsumed.values().stream().mapToLong(Long::longValue).sum()
                    + unread.values().stream().mapToLong(Long::longValue).sum()
                    + deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }

        /**
         * The reason of ScaleDownBlocked: unread topics are the hardest problem, then dead letters
         * (they need a person), then messages a consumer is still working through.
         */
        public String reason() {
            if (!unread.isEmpty()) {
                return "TopicWithoutConsumer";
            }
            return deadLetters.isEmpty() ? "MessagesRemaining" : "DeadLettersRemaining";
        }

        /** What a user reads in the condition: the numbers, per topic. */
        public String describe(String group) {
            List<String> parts = new ArrayList<>();
            if (!unconsumed.isEmpty()) {
                parts.add(group + " still holds "
                        + unconsumed.values().stream()
                                .mapToLong(Long::longValue)
                                .sum() + " unconsumed messages " + unconsumed);
            }
            if (!unread.isEmpty()) {
                parts.add(group + " has topics with messages and no consumer group " + unread);
            }
            if (!deadLetters.isEmpty()) {
                parts.add(group + " holds dead letters nobody consumes " + deadLetters
                        + " (consume them, or force the scale-in to drop them)");
            }
            return String.join("; ", parts);
        }
    }

    public static Verdict judge(List<TopicBacklog> topics) {
        Map<String, Long> unconsumed = new TreeMap<>();
        Map<String, Long> unread = new TreeMap<>();
        Map<String, Long> deadLetters = new TreeMap<>();
        for (TopicBacklog topic : topics) {
            long stored = topic.queues().values().stream()
                    .mapToLong(TopicBacklog.QueueRange::stored)
                    .sum();
            if (topic.committed().isEmpty()) {
                if (stored > 0) {
                    (topic.topic().startsWith(DLQ_PREFIX) ? deadLetters : unread).put(topic.topic(), stored);
                }
                continue;
            }
            long left = 0;
            for (Map<Integer, Long> offsets : topic.committed().values()) {
                for (Map.Entry<Integer, TopicBacklog.QueueRange> queue :
                        topic.queues().entrySet()) {
                    TopicBacklog.QueueRange range = queue.getValue();
                    long consumedTo = Math.max(range.min(), offsets.getOrDefault(queue.getKey(), range.min()));
                    left += Math.max(0, range.max() - consumedTo);
                }
            }
            if (left > 0) {
                unconsumed.put(topic.topic(), left);
            }
        }
        return new Verdict(unconsumed, unread, deadLetters);
    }
}
