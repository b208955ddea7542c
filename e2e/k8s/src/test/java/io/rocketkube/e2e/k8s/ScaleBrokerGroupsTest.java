package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale broker groups 2 → 3 → 2 with kubectl (a merge patch of spec.broker.groups: the mock cannot
 * answer {@code kubectl scale}): the third group registers, becomes Ready and takes a share of the
 * sends; on scale-in the operator drains it (its messages are all consumed) before deleting it, and
 * every acknowledged message was consumed. Slow: three boots of six to eight JVMs on two cores.
 */
@Tag("slow")
class ScaleBrokerGroupsTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void aThirdGroupJoinsTakesTrafficAndLeavesAfterItsDrain() throws Exception {
        cluster()
                .kubectl()
                .run(
                        "apply",
                        "-n",
                        "mq",
                        "-f",
                        E2eLayout.root()
                                .resolve("deploy/examples/rocketcluster.yaml")
                                .toString())
                .orThrow();
        awaitReadyWith("2/2");

        long scaled = System.nanoTime();
        StandInCluster.patchOrders(cluster(), "mq", "{\"spec\":{\"broker\":{\"groups\":3}}}");
        awaitReadyWith("3/3");
        System.out.println("groups 2 -> 3 Ready in "
                + Duration.ofNanos(System.nanoTime() - scaled).toMillis() + " ms");

        String namesrv = "orders-namesrv.mq.svc:9876";
        String topic = "k8s-scale";
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("k8s-scale-admin-" + System.nanoTime());
        admin.start();
        DefaultMQProducer producer = new DefaultMQProducer("k8s-scale-producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("k8s-scale-" + System.nanoTime());
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("k8s-scale-consumer");
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("k8s-scale-" + System.nanoTime());
        Set<String> acked = ConcurrentHashMap.newKeySet();
        Set<String> received = ConcurrentHashMap.newKeySet();
        try {
            await("three groups routed")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> admin.examineBrokerClusterInfo()
                                    .getClusterAddrTable()
                                    .get("orders")
                                    .size()
                            == 3);
            ClusterInfo info = admin.examineBrokerClusterInfo();
            for (String group : info.getClusterAddrTable().get("orders")) {
                admin.createAndUpdateTopicConfig(
                        info.getBrokerAddrTable().get(group).getBrokerAddrs().get(0L), new TopicConfig(topic, 4, 4, 6));
            }
            producer.start();
            Set<String> groups = ConcurrentHashMap.newKeySet();
            await("route of " + topic + " on three groups")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() ->
                            admin.examineTopicRouteInfo(topic).getQueueDatas().size() == 3);
            for (int i = 0; i < 300; i++) {
                SendResult result = producer.send(
                        new Message(topic, "s", "k" + i, ("scale-" + i).getBytes(StandardCharsets.UTF_8)));
                assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                acked.add("scale-" + i);
                groups.add(result.getMessageQueue().getBrokerName());
            }
            assertThat(groups).contains("orders-broker-2");

            consumer.subscribe(topic, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    received.add(new String(m.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            await("all acknowledged consumed").atMost(Duration.ofSeconds(120)).until(() -> received.containsAll(acked));

            long shrink = System.nanoTime();
            StandInCluster.patchOrders(cluster(), "mq", "{\"spec\":{\"broker\":{\"groups\":2}}}");
            await("orders-broker-2 removed")
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> cluster()
                                    .client()
                                    .apps()
                                    .statefulSets()
                                    .inNamespace("mq")
                                    .withName("orders-broker-2")
                                    .get()
                            == null);
            awaitReadyWith("2/2");
            System.out.println("groups 3 -> 2 done in "
                    + Duration.ofNanos(System.nanoTime() - shrink).toMillis() + " ms");
            assertThat(received).containsAll(acked);
        } finally {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
        }
    }

    private static void awaitReadyWith(String groups) {
        await("RocketCluster orders Ready with groups " + groups)
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster()
                        .kubectl()
                        .run(
                                "get",
                                "rkc",
                                "orders",
                                "-n",
                                "mq",
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.groupsReady}")
                        .output()
                        .trim()
                        .equals("True " + groups));
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
