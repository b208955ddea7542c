package io.rocketkube.client.protocol;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Body of GET_ALL_PRODUCER_INFO ({@code mqadmin producer}): every producer group and its live producers. */
public record ProducerTableInfo(Map<String, List<ProducerInfo>> data) {
    public ProducerTableInfo {
        data = data == null ? Map.of() : new TreeMap<>(data);
    }
}
