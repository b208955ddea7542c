package io.rocketkube.client.protocol;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Map;
import java.util.TreeMap;

/**
 * Body of the INVOKE_BROKER_TO_RESET_OFFSET answer and of RESET_CONSUMER_CLIENT_OFFSET (§3.8): each queue and the
 * offset its group is reset to.
 */
public record ResetOffsetBody(
        @JsonSerialize(keyUsing = MessageQueue.KeySerializer.class)
        @JsonDeserialize(keyUsing = MessageQueue.KeyParser.class)
        Map<MessageQueue, Long> offsetTable) {
    public ResetOffsetBody {
        offsetTable = offsetTable == null ? Map.of() : new TreeMap<>(offsetTable);
    }
}
