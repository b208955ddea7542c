package io.rocketkube.client.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** Body of HEART_BEAT (docs/protocol.md §3.9). {@code clientID} is returned to clients byte for byte. */
public record HeartbeatData(
        @JsonProperty("clientID") String clientID,
        List<ProducerData> producerDataSet,
        List<ConsumerData> consumerDataSet) {
    public HeartbeatData {
        producerDataSet = producerDataSet == null ? List.of() : List.copyOf(producerDataSet);
        consumerDataSet = consumerDataSet == null ? List.of() : List.copyOf(consumerDataSet);
    }
}
