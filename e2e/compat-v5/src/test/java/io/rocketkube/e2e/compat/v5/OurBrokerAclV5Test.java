package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged broker with {@code acl-enable} against the official 5.3.3 client and admin API signing with their
 * own {@code AclClientRPCHook} (5.x sends more header fields than 4.9, all of them signed): an account sends and
 * consumes where its permissions allow, and is refused elsewhere with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OurBrokerAclV5Test {
    private static final String ACL = """
            accounts:
              - accessKey: rkAdmin01
                secretKey: adminSecret01
                admin: true
              - accessKey: rkUser0001
                secretKey: userSecret01
                defaultTopicPerm: DENY
                defaultGroupPerm: SUB
                topicPerms:
                  - %s=PUB|SUB
            """;

    @TempDir
    static Path dir;

    private final String open = unique("RkAclOpen");
    private final String closed = unique("RkAclClosed");
    private NameServerNode namesrv;
    private BrokerNode broker;
    private DefaultMQAdminExt admin;

    @BeforeAll
    void start() throws Exception {
        Path acl = Files.writeString(dir.resolve("plain_acl.yml"), ACL.formatted(open));
        namesrv = NamesrvKind.OURS.start("namesrv");
        broker = OurBroker.builder("our-broker")
                .clusterName("RkE2eCluster")
                .brokerName(unique("rk-acl"))
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.acl-enable", "true")
                .property("rocketkube.broker.acl-file", acl.toString())
                .build();
        broker.start();
        admin = new DefaultMQAdminExt(hook("rkAdmin01", "adminSecret01"), 10_000);
        admin.setNamesrvAddr(namesrv.address());
        admin.setInstanceName(unique("acl-admin"));
        admin.start();
        awaitBrokerRegistered(admin, broker);
        createTopic(admin, broker, open, 2);
        createTopic(admin, broker, closed, 2);
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        if (broker != null) {
            broker.stop();
        }
        if (namesrv != null) {
            namesrv.stop();
        }
    }

    @Test
    void aSigned5xClientIsCheckedPerTopicAndGroup() throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(unique("pg"), hook("rkUser0001", "userSecret01"));
        producer.setNamesrvAddr(namesrv.address());
        producer.setInstanceName(unique("acl-producer"));
        producer.setRetryTimesWhenSendFailed(0);
        producer.start();
        Map<String, Boolean> received = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(
                unique("cg"), hook("rkUser0001", "userSecret01"), new AllocateMessageQueueAveragely());
        try {
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName(unique("acl-consumer"));
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(open, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> received.put(m.getKeys(), true));
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            for (int i = 0; i < 3; i++) {
                Message m = new Message(open, "acl", "k" + i, ("body " + i).getBytes(StandardCharsets.UTF_8));
                assertThat(producer.send(m).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 3);

            Message denied = new Message(closed, "acl", "x", "denied".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> producer.send(denied)).satisfies(e -> {
                Throwable t = e;
                while (t != null && !(t instanceof MQBrokerException)) {
                    t = t.getCause();
                }
                assertThat(t).as("a broker refusal in %s", e).isInstanceOf(MQBrokerException.class);
                assertThat(((MQBrokerException) t).getResponseCode()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                assertThat(((MQBrokerException) t).getErrorMessage())
                        .isEqualTo("AclException: No default permission for topic:" + closed);
            });
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    private static RPCHook hook(String accessKey, String secretKey) {
        return new AclClientRPCHook(new SessionCredentials(accessKey, secretKey));
    }
}
