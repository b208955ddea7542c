package io.rocketkube.client.protocol;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;

/** Body of GET_TOPIC_STATS_INFO (§3.8). */
public record TopicStatsTable(
        @JsonSerialize(keyUsing = MessageQueue.KeySerializer.class)
        @JsonDeserialize(keyUsing = MessageQueue.KeyParser.class)
        Map<MessageQueue, TopicOffset> offsetTable) {
    public TopicStatsTable {
        offsetTable = offsetTable == null ? Map.of() : new java.util.TreeMap<>(offsetTable);
    }
}
