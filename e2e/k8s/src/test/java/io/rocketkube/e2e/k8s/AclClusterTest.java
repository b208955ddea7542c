package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code spec.broker.acl} end to end: a Secret made with {@code kubectl create secret generic --from-file} (through
 * {@code --dry-run=client -o yaml} and {@code kubectl apply}), the
 * example cut to one NameServer and one master/slave group and pointed at it. The cluster becomes Ready (the
 * slave's metadata sync from its master is signed with the file's admin account); the official 4.9.8 client
 * signing with a user account produces and consumes, an unsigned one is refused with the broker's reason; and a
 * config change rolls the group, slave then master, which needs the operator's own requests to pass the ACL
 * (replication lag, and the master's write stop, an admin-only request).
 */
class AclClusterTest {

    private static final String NS = "secure";
    private static final String ACL = """
            accounts:
              - accessKey: rkOperator1
                secretKey: operatorSecret1
                admin: true
              - accessKey: rkApp000001
                secretKey: appSecret0001
                defaultTopicPerm: PUB|SUB
                defaultGroupPerm: SUB
            """;

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension(BrokerRollScenario.OPERATOR);

    @Test
    void brokersEnforceTheSecretsAclAndTheOperatorRollsThemWithItsAdminAccount() throws Exception {
        // kubectl create secret ... --dry-run=client -o yaml | kubectl apply -f - (the stand-in's API server reads
        // JSON, not the protobuf a direct create sends).
        Path dir = E2eLayout.newRunDir("acl");
        Path file = Files.writeString(dir.resolve("plain_acl.yml"), ACL);
        String secret = cluster()
                .kubectl()
                .run(
                        "create",
                        "secret",
                        "generic",
                        "orders-acl",
                        "-n",
                        NS,
                        "--from-file=plain_acl.yml=" + file,
                        "--dry-run=client",
                        "-o",
                        "yaml")
                .orThrow()
                .output();
        Path manifest = Files.writeString(dir.resolve("secret.yaml"), secret);
        cluster().kubectl().run("apply", "-n", NS, "-f", manifest.toString()).orThrow();
        StandInCluster.applyExample(
                cluster(),
                NS,
                yaml -> yaml.replace("replicas: 2", "replicas: 1")
                        .replace("groups: 2", "groups: 1")
                        .replace(
                                "    antiAffinity: preferred",
                                "    antiAffinity: preferred\n    acl:\n      secretName: orders-acl"));
        Duration toReady = StandInCluster.awaitReady(cluster(), NS, "orders", "1/1");
        System.out.println("kubectl apply to Ready with the ACL on: " + toReady.toMillis() + " ms");
        String namesrv = "orders-namesrv." + NS + ".svc:9876";

        AclClientRPCHook app = new AclClientRPCHook(new SessionCredentials("rkApp000001", "appSecret0001"));
        DefaultMQProducer producer = new DefaultMQProducer("acl-e2e-producer", app);
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName("acl-e2e-" + System.nanoTime());
        producer.setPollNameServerInterval(1_000);
        DefaultMQProducer unsigned = new DefaultMQProducer("acl-e2e-unsigned");
        unsigned.setNamesrvAddr(namesrv);
        unsigned.setInstanceName("acl-e2e-unsigned-" + System.nanoTime());
        unsigned.setRetryTimesWhenSendFailed(0);
        DefaultMQPushConsumer consumer =
                new DefaultMQPushConsumer("acl-e2e-consumer", app, new AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("acl-e2e-" + System.nanoTime());
        Set<String> received = ConcurrentHashMap.newKeySet();
        try {
            producer.start();
            unsigned.start();
            String topic = "acl-e2e";
            await("first signed send (creates the topic)")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer.send(message(topic, 0)).getSendStatus() == SendStatus.SEND_OK);
            for (int i = 1; i < 50; i++) {
                assertThat(producer.send(message(topic, i)).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
            assertThat(catchThrowable(() -> unsigned.send(message(topic, -1))))
                    .as("an unsigned send")
                    .rootCause()
                    .hasMessageContaining("No accessKey is configured");

            consumer.subscribe(topic, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    received.add(new String(m.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            await("50 consumed by the signed consumer")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> received.size() == 50);

            // A config change: the operator rolls slave then master, reading the slave's lag and stopping the
            // master's writes through the ACL with the Secret's admin account.
            Map<String, String> before = Map.of(
                    "orders-broker-0-0", uid("orders-broker-0-0"), "orders-broker-0-1", uid("orders-broker-0-1"));
            StandInCluster.patchOrders(cluster(), NS, "{\"spec\":{\"broker\":{\"config\":{\"io-threads\":\"2\"}}}}");
            await("both broker pods replaced and Ready")
                    .atMost(Duration.ofMinutes(6))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> before.entrySet().stream().allMatch(e -> {
                        Pod pod = pod(e.getKey());
                        return pod != null && !pod.getMetadata().getUid().equals(e.getValue()) && ready(pod);
                    }));
            StandInCluster.awaitReady(cluster(), NS, "orders", "1/1");
            List<String> reasons = reasons();
            assertThat(reasons)
                    .contains("StoppedMasterWrites", "RestoredMasterWrites")
                    .doesNotContain("AclCredentialsUnavailable");
            await("a signed send after the roll")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer.send(message(topic, 50)).getSendStatus() == SendStatus.SEND_OK);
            await("consumed after the roll").atMost(Duration.ofSeconds(60)).until(() -> received.contains("body-50"));
        } finally {
            consumer.shutdown();
            unsigned.shutdown();
            producer.shutdown();
        }
    }

    private static Message message(String topic, int i) {
        return new Message(topic, "acl", "key-" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
    }

    private static String uid(String pod) {
        return pod(pod).getMetadata().getUid();
    }

    private static Pod pod(String name) {
        return cluster().client().pods().inNamespace(NS).withName(name).get();
    }

    private static List<String> reasons() {
        return cluster().client().v1().events().inNamespace(NS).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
