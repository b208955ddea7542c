package io.rocketkube.client.protocol;

import java.util.List;
import java.util.Map;

/**
 * Body of GET_BROKER_CONSUME_STATS (mqadmin brokerConsumeStats): for each group, one {@link ConsumeStats} per topic
 * it has offsets on, and the sum of every queue's lag.
 */
public record ConsumeStatsList(
        List<Map<String, List<ConsumeStats>>> consumeStatsList, String brokerAddr, long totalDiff) {
    public ConsumeStatsList {
        consumeStatsList = consumeStatsList == null ? List.of() : List.copyOf(consumeStatsList);
    }
}
