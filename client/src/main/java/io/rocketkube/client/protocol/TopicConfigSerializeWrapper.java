package io.rocketkube.client.protocol;

import java.util.Map;

/** A broker's whole topic table with its version: REGISTER_BROKER's payload and GET_ALL_TOPIC_CONFIG's body. */
public record TopicConfigSerializeWrapper(Map<String, TopicConfig> topicConfigTable, DataVersion dataVersion) {
    public TopicConfigSerializeWrapper {
        topicConfigTable = topicConfigTable == null ? Map.of() : topicConfigTable;
        dataVersion = dataVersion == null ? DataVersion.EMPTY : dataVersion;
    }
}
