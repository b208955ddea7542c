package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fast core of issue 20: {@code kubectl apply -f deploy/examples/rocketcluster.yaml} (2
 * NameServers, 2 groups of master + slave) on the stand-in, the operator renders it, the pod runner
 * runs every pod as a process, the RocketCluster reaches Ready, and the official 4.9.8 client
 * produces and consumes through the NameServer Service name from the cluster's status
 * ({@code orders-namesrv.mq.svc:9876}, resolved by the stand-in's hosts file), and so does the
 * official 5.3.3 client ({@link V5Client}, a child JVM).
 */
class ApplyProduceConsumeTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void appliedExampleBecomesReadyAndCarriesMessagesThroughTheServiceName() throws Exception {
        long applied = System.nanoTime();
        Instant appliedAt = Instant.now();
        cluster()
                .kubectl()
                .run(
                        "apply",
                        "-n",
                        "mq",
                        "-f",
                        io.rocketkube.e2e.testkit.E2eLayout.root()
                                .resolve("deploy/examples/rocketcluster.yaml")
                                .toString())
                .orThrow();
        await("RocketCluster orders Ready")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "True"
                        .equals(cluster()
                                .kubectl()
                                .run(
                                        "get",
                                        "rkc",
                                        "orders",
                                        "-n",
                                        "mq",
                                        "-o",
                                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}")
                                .output()
                                .trim()));
        Duration toReady = Duration.ofNanos(System.nanoTime() - applied);
        System.out.println(
                "kubectl apply to Ready: " + toReady.toMillis() + " ms\n" + Timeline.of(cluster(), "mq", appliedAt));

        String groups = cluster()
                .kubectl()
                .run("get", "rkc", "orders", "-n", "mq", "-o", "jsonpath={.status.groupsReady} {.status.nameServers}")
                .orThrow()
                .output()
                .trim();
        assertThat(groups).isEqualTo("2/2 2/2");
        String pods = cluster()
                .kubectl()
                .run("get", "pods", "-n", "mq", "-o", "jsonpath={.items[*].metadata.name}")
                .orThrow()
                .output();
        assertThat(pods.split(" "))
                .contains("orders-broker-0-0", "orders-broker-0-1", "orders-broker-1-0", "orders-broker-1-1")
                .hasSize(6);
        String namesrvAddr = cluster()
                .kubectl()
                .run("get", "rkc", "orders", "-n", "mq", "-o", "jsonpath={.status.nameServerAddress}")
                .orThrow()
                .output()
                .trim();
        assertThat(namesrvAddr).isEqualTo("orders-namesrv.mq.svc:9876");

        String topic = "k8s-e2e";
        int count = 200;
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQProducer producer = new DefaultMQProducer("k8s-e2e-producer");
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName("k8s-e2e-" + System.nanoTime());
        producer.start();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("k8s-e2e-consumer");
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName("k8s-e2e-" + System.nanoTime());
        try {
            // The first send creates the topic through TBW102 (autoCreateTopic in the example).
            await("first send")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer.send(message(topic, -1)).getSendStatus() == SendStatus.SEND_OK);
            Set<String> brokers = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < count; i++) {
                SendResult result = producer.send(message(topic, i));
                assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                brokers.add(result.getMessageQueue().getBrokerName());
            }
            consumer.subscribe(topic, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    received.add(new String(m.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            await("all " + count + " consumed")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> received.containsAll(expected(count)));
            System.out.println("sent to broker groups " + brokers);
            assertThat(brokers).isNotEmpty().allMatch(b -> b.startsWith("orders-broker-"));

            // The official 5.x remoting client, through the same Service name.
            long v5Start = System.nanoTime();
            V5Client.Result v5 = V5Client.produceConsume(namesrvAddr, "k8s-e2e-v5", 100, 90);
            System.out.println("5.3.3 client: " + v5.output().trim() + " in "
                    + Duration.ofNanos(System.nanoTime() - v5Start).toMillis() + " ms");
            assertThat(v5.exitCode()).as(v5.output()).isZero();
            assertThat(v5.output()).contains("sent 100 consumed 100");
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    private static Message message(String topic, int i) {
        return new Message(topic, "e2e", "key-" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
    }

    private static Set<String> expected(int count) {
        Set<String> bodies = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            bodies.add("body-" + i);
        }
        return bodies;
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
