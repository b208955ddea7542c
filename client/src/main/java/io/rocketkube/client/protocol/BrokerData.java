package io.rocketkube.client.protocol;

import java.util.Map;

/**
 * A broker group: its cluster, name and addresses by broker id (0 = master). Ids serialize as quoted keys,
 * which every fastjson client parses back into Long keys.
 */
public record BrokerData(String cluster, String brokerName, Map<Long, String> brokerAddrs) {}
