package io.rocketkube.client.protocol;

import java.util.Map;
import java.util.Set;

/** Body of GET_BROKER_CLUSTER_INFO: broker groups by name, and broker names by cluster. */
public record ClusterInfo(Map<String, BrokerData> brokerAddrTable, Map<String, Set<String>> clusterAddrTable) {}
