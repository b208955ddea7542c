package io.rocketkube.operator.admin;

import java.util.Map;

/**
 * One topic on one broker, as the drain judges it: the offset range of each queue, and the offset
 * each consumer group has committed on each queue.
 *
 * @param topic the topic name, retry topics ({@code %RETRY%group}) included
 * @param queues by queue id, the first offset still stored and the next offset to be written
 * @param committed by consumer group, then queue id, the next offset the group will consume
 */
public record TopicBacklog(String topic, Map<Integer, QueueRange> queues, Map<String, Map<Integer, Long>> committed) {

    public TopicBacklog {
        queues = Map.copyOf(queues);
        committed = Map.copyOf(committed);
    }

    /**
     * Offsets of one queue: {@code min} is the first still stored, {@code max} the next to be
     * written (the number of entries ever written).
     */
    public record QueueRange(long min, long max) {

        /** Messages stored in the queue. */
        public long stored() {
            return Math.max(0, max - min);
        }
    }
}
