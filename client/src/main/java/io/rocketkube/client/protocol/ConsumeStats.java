package io.rocketkube.client.protocol;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;

/** Body of GET_CONSUME_STATS (§3.8): per queue progress of one group. */
public record ConsumeStats(
        @JsonSerialize(keyUsing = MessageQueue.KeySerializer.class)
        @JsonDeserialize(keyUsing = MessageQueue.KeyParser.class)
        Map<MessageQueue, OffsetWrapper> offsetTable,

        double consumeTps) {
    public ConsumeStats {
        offsetTable = offsetTable == null ? Map.of() : new java.util.TreeMap<>(offsetTable);
    }
}
