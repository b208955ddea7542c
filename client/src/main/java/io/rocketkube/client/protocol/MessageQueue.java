package io.rocketkube.client.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.Comparator;

/**
 * One queue of one topic on one broker. As a map key (ConsumeStats, TopicStatsTable) it is written as a
 * string holding its own JSON, which fastjson parses back into a MessageQueue key (docs/protocol.md §3.1);
 * {@link KeySerializer} and {@link KeyParser} do that for Jackson.
 */
public record MessageQueue(String topic, String brokerName, int queueId) implements Comparable<MessageQueue> {
    private static final Comparator<MessageQueue> ORDER = Comparator.comparing(MessageQueue::topic)
            .thenComparing(MessageQueue::brokerName)
            .thenComparingInt(MessageQueue::queueId);

    @Override
    public int compareTo(MessageQueue other) {
        return ORDER.compare(this, other);
    }

    /** Writes a MessageQueue map key as its JSON text. */
    public static final class KeySerializer extends JsonSerializer<MessageQueue> {
        @Override
        public void serialize(MessageQueue value, JsonGenerator gen, SerializerProvider serializers)
                throws IOException {
            gen.writeFieldName(new String(RemotingJson.encode(value), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Reads a MessageQueue map key written by {@link KeySerializer}. */
    public static final class KeyParser extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            return RemotingJson.mapper().readValue(key, MessageQueue.class);
        }
    }
}
