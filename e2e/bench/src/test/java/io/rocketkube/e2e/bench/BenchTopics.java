package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/** The benchmarks' topic: created on the broker under test, then routed by its NameServer before any send. */
final class BenchTopics {

    private BenchTopics() {}

    /** Creates {@code topic} with 8 queues on {@code brokerAddress} and waits up to {@code atMost} for its route. */
    static void createRouted(DefaultMQAdminExt admin, String brokerAddress, String topic, Duration atMost)
            throws Exception {
        admin.createAndUpdateTopicConfig(brokerAddress, new TopicConfig(topic, 8, 8, 6));
        await("route of " + topic)
                .atMost(atMost)
                .ignoreExceptions()
                .until(() -> !admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty());
    }
}
