package io.rocketkube.namesrv.route;

import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import java.util.List;

/** One REGISTER_BROKER, decoded and validated. */
public record BrokerRegistration(
        String clusterName,
        String brokerAddr,
        String brokerName,
        long brokerId,
        String haServerAddr,
        TopicConfigSerializeWrapper topics,
        List<String> filterServers,
        Object connection) {}
