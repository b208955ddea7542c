package io.rocketkube.client.protocol;

import java.util.List;
import java.util.Map;

/** Body of GET_ROUTEINFO_BY_TOPIC (docs/protocol.md §3.2). {@code filterServerTable} is always present. */
public record TopicRouteData(
        String orderTopicConf,
        List<QueueData> queueDatas,
        List<BrokerData> brokerDatas,
        Map<String, List<String>> filterServerTable) {}
