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
 */
public final class DrainJudge {

  private DrainJudge() {
  }

  /**
   * What is left on the group.
   *
   * @param unconsumed by topic, the messages some consumer group has not consumed yet (summed over
   *     the groups and queues)
   * @param unread by topic, stored messages of topics that no consumer group consumes
   */
  public record Verdict(Map<String, Long> unconsumed, Map<String, Long> unread) {

    public boolean drained() {
      return unconsumed.isEmpty() && unread.isEmpty();
    }

    /** Every message left, for the status. */
    public long remaining() {
      return unconsumed.values().stream().mapToLong(Long::longValue).sum()
          + unread.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The reason of ScaleDownBlocked: the unread topics are the harder problem, named first. */
    public String reason() {
      return unread.isEmpty() ? "MessagesRemaining" : "TopicWithoutConsumer";
    }

    /** What a user reads in the condition: the numbers, per topic. */
    public String describe(String group) {
      List<String> parts = new ArrayList<>();
      if (!unconsumed.isEmpty()) {
        parts.add(group + " still holds " + unconsumed.values().stream()
            .mapToLong(Long::longValue).sum() + " unconsumed messages " + unconsumed);
      }
      if (!unread.isEmpty()) {
        parts.add(group + " has topics with messages and no consumer group " + unread);
      }
      return String.join("; ", parts);
    }
  }

  public static Verdict judge(List<TopicBacklog> topics) {
    Map<String, Long> unconsumed = new TreeMap<>();
    Map<String, Long> unread = new TreeMap<>();
    for (TopicBacklog topic : topics) {
      long stored = topic.queues().values().stream()
          .mapToLong(TopicBacklog.QueueRange::stored).sum();
      if (topic.committed().isEmpty()) {
        if (stored > 0) {
          unread.put(topic.topic(), stored);
        }
        continue;
      }
      long left = 0;
      for (Map<Integer, Long> offsets : topic.committed().values()) {
        for (Map.Entry<Integer, TopicBacklog.QueueRange> queue : topic.queues().entrySet()) {
          TopicBacklog.QueueRange range = queue.getValue();
          long consumedTo = Math.max(range.min(), offsets.getOrDefault(queue.getKey(), range.min()));
          left += Math.max(0, range.max() - consumedTo);
        }
      }
      if (left > 0) {
        unconsumed.put(topic.topic(), left);
      }
    }
    return new Verdict(unconsumed, unread);
  }
}
