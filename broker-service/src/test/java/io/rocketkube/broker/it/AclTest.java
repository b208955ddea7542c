package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.AclUtils;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.PlainAccessConfig;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.protocol.body.ClusterAclVersionInfo;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's ACL (docs/acl.md) with the official 4.9.8 client and admin API signing with {@code
 * AclClientRPCHook}: per-topic and per-group permissions, admin-only requests, refusals with RocketMQ's reasons, the
 * file re-read when it changes (a bad edit ignored), and the ACL admin requests 50-54.
 */
@Timeout(180)
class AclTest {
    private static final String ADMIN_KEY = "rkAdmin01";
    private static final String ADMIN_SECRET = "adminSecret01";
    private static final String USER_KEY = "rkUser0001";
    private static final String USER_SECRET = "userSecret01";
    private static final String OPEN = "T_ACL_OPEN";
    private static final String CLOSED = "T_ACL_CLOSED";
    private static final String ACL = """
            globalWhiteRemoteAddresses:
              - 10.10.103.*
            accounts:
              - accessKey: rkAdmin01
                secretKey: adminSecret01
                admin: true
              - accessKey: rkUser0001
                secretKey: userSecret01
                defaultTopicPerm: DENY
                defaultGroupPerm: SUB
                topicPerms:
                  - T_ACL_OPEN=PUB|SUB
                groupPerms:
                  - CG_ACL_DENIED=DENY
            """;

    @TempDir
    static Path dir;

    static Path aclFile;
    static Cluster cluster;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void start() throws Exception {
        aclFile = Files.writeString(dir.resolve("plain_acl.yml"), ACL);
        cluster = new Cluster(dir.resolve("cluster"), s -> s.withAclFile(aclFile));
        admin = admin(ADMIN_KEY, ADMIN_SECRET, "acl-admin");
        for (String topic : List.of(OPEN, CLOSED)) {
            admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
        }
        cluster.broker().registerNow();
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anAccountSendsAndConsumesWhereItsPermissionsAllowAndIsRefusedElsewhereWithTheReason() throws Exception {
        DefaultMQProducer producer = producer(hook(USER_KEY, USER_SECRET), "acl-user-producer");
        Map<String, Boolean> received = new ConcurrentHashMap<>();
        Map<Integer, Integer> deliveries = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(
                "CG_ACL_OK",
                hook(USER_KEY, USER_SECRET),
                new org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely());
        try {
            consumer.setNamesrvAddr(cluster.namesrvAddr());
            consumer.setInstanceName("acl-user-consumer");
            // The retry topic is made at the first heartbeat; a 1 s route poll (not 30 s) learns it promptly.
            consumer.setPollNameServerInterval(1_000);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(OPEN, "*");
            // Message 0 is handed back once: its retry is pulled from %RETRY%CG_ACL_OK, checked as the group.
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (var m : msgs) {
                    if (deliveries.merge(Messages.seq(m), 1, Integer::sum) == 1 && Messages.seq(m) == 0) {
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                    received.put(m.getKeys(), true);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            for (int i = 0; i < 4; i++) {
                assertThat(producer.send(Messages.message(OPEN, i, "TagAcl")).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
            // The retry comes back after delay level 3 (10 s), once a rebalance (every 20 s) assigned its queue.
            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == 4);
            assertThat(deliveries.get(0)).isEqualTo(2);

            assertRefused(
                    () -> producer.send(Messages.message(CLOSED, 9, "TagAcl")),
                    "No default permission for topic:" + CLOSED);
            // Not an admin: creating a topic is refused, and nothing is created.
            DefaultMQAdminExt userAdmin = admin(USER_KEY, USER_SECRET, "acl-user-admin");
            try {
                assertRefused(
                        () -> userAdmin.createAndUpdateTopicConfig(
                                cluster.brokerAddr(), new TopicConfig("T_ACL_NEW", 1, 1, 6)),
                        "Need admin permission for request code=17, but accessKey=" + USER_KEY + " is not");
                RemotingCommand showAll = showAclConfig(USER_KEY, USER_SECRET);
                assertThat(showAll.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                assertThat(showAll.remark()).startsWith("AclException: Need admin permission for request code=54");
            } finally {
                userAdmin.shutdown();
            }
            assertThat(admin.fetchAllTopicList().getTopicList()).doesNotContain("T_ACL_NEW");
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    @Test
    void unsignedWronglySignedAndUnknownRequestsAreRefusedWithTheirOpaque() throws Exception {
        DefaultMQProducer unsigned = producer(null, "acl-unsigned");
        DefaultMQProducer wrongSecret = producer(hook(USER_KEY, "notTheSecret"), "acl-wrong-secret");
        DefaultMQProducer unknown = producer(hook("nobody0001", USER_SECRET), "acl-unknown");
        try {
            assertRefused(() -> unsigned.send(Messages.message(OPEN, 1, "TagAcl")), "No accessKey is configured");
            assertRefused(
                    () -> wrongSecret.send(Messages.message(OPEN, 1, "TagAcl")),
                    "Check signature failed for accessKey=" + USER_KEY);
            assertRefused(() -> unknown.send(Messages.message(OPEN, 1, "TagAcl")), "No acl config for nobody0001");
        } finally {
            unsigned.shutdown();
            wrongSecret.shutdown();
            unknown.shutdown();
        }
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand request = RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO);
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), request, 5000);
            assertThat(answer.opaque()).isEqualTo(request.opaque());
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).isEqualTo("AclException: No accessKey is configured");
        }
    }

    @Test
    void theFileIsReReadWhenItChangesAndABadEditIsIgnored() throws Exception {
        DefaultMQProducer producer = producer(hook(USER_KEY, USER_SECRET), "acl-reload-producer");
        try {
            long before = version();
            Files.writeString(
                    aclFile, ACL.replace("T_ACL_OPEN=PUB|SUB", "T_ACL_OPEN=PUB|SUB\n      - T_ACL_CLOSED=PUB"));
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() ->
                            producer.send(Messages.message(CLOSED, 1, "TagAcl")).getSendStatus() == SendStatus.SEND_OK);
            long granted = version();
            assertThat(granted).isGreaterThan(before);

            // Half an edit: the broker keeps what it had, neither locking out nor letting in.
            Files.writeString(aclFile, "accounts:\n  - accessKey: short\n    secretKey: x\n");
            await().pollDelay(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
            assertThat(version()).isEqualTo(granted);
            assertThat(producer.send(Messages.message(CLOSED, 2, "TagAcl")).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        } finally {
            Files.writeString(aclFile, ACL);
            await().atMost(Duration.ofSeconds(10)).until(() -> version() > 0 && !granted(producer));
            producer.shutdown();
        }
    }

    @Test
    void theAclAdminRequestsEditTheFileAndShowIt() throws Exception {
        String addr = cluster.brokerAddr();
        long before = version();
        PlainAccessConfig added = new PlainAccessConfig();
        added.setAccessKey("rkAdded001");
        added.setSecretKey("addedSecret1");
        added.setDefaultTopicPerm("DENY");
        added.setDefaultGroupPerm("SUB");
        added.setTopicPerms(List.of(OPEN + "=PUB"));
        admin.createAndUpdatePlainAccessConfig(addr, added);
        assertThat(version()).isGreaterThan(before);
        assertThat(Files.readString(aclFile)).contains("rkAdded001", "T_ACL_OPEN=PUB");

        DefaultMQProducer producer = producer(hook("rkAdded001", "addedSecret1"), "acl-added-producer");
        try {
            assertThat(producer.send(Messages.message(OPEN, 1, "TagAcl")).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
            // GET_BROKER_CLUSTER_ACL_CONFIG: 4.9.8's tools no longer call it; read with 4.9's body class.
            RemotingCommand showAll = showAclConfig(ADMIN_KEY, ADMIN_SECRET);
            assertThat(showAll.code()).isEqualTo(ResponseCode.SUCCESS);
            com.fasterxml.jackson.databind.JsonNode shown =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(showAll.body());
            assertThat(shown.get("plainAccessConfigs").findValuesAsText("accessKey"))
                    .contains(ADMIN_KEY, USER_KEY, "rkAdded001");
            assertThat(shown.get("globalWhiteAddrs").toString()).isEqualTo("[\"10.10.103.*\"]");

            // An edit that would make the file invalid is refused whole.
            PlainAccessConfig bad = new PlainAccessConfig();
            bad.setAccessKey("rkBad00001");
            bad.setSecretKey("short");
            assertThatThrownBy(() -> admin.createAndUpdatePlainAccessConfig(addr, bad))
                    .isInstanceOfSatisfying(
                            MQClientException.class,
                            e -> assertThat(e.getResponseCode())
                                    .isEqualTo(ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED));
            assertThat(Files.readString(aclFile)).doesNotContain("rkBad00001");

            admin.deletePlainAccessConfig(addr, "rkAdded001");
            assertRefused(() -> producer.send(Messages.message(OPEN, 2, "TagAcl")), "No acl config for rkAdded001");
        } finally {
            producer.shutdown();
        }

        // Letting loopback in without an account, then taking it away again.
        admin.updateGlobalWhiteAddrConfig(addr, "10.10.103.*,127.0.0.1-255");
        DefaultMQProducer unsigned = producer(null, "acl-white-producer");
        try {
            assertThat(unsigned.send(Messages.message(CLOSED, 3, "TagAcl")).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        } finally {
            unsigned.shutdown();
        }
        admin.updateGlobalWhiteAddrConfig(addr, "10.10.103.*");
        ClusterAclVersionInfo info = admin.examineBrokerClusterAclVersionInfo(addr);
        assertThat(info.getBrokerAddr()).isEqualTo(addr);
        assertThat(info.getAclConfigDataVersion().getCounter().get()).isEqualTo(version());
    }

    /**
     * A slave of an ACL'd master: its metadata sync signs with the shared file's admin account, so it copies the
     * master's topics, registers them and becomes ready, with no address let in unsigned.
     */
    @Test
    void aSlaveSyncsFromItsMasterThroughTheAcl(@TempDir Path pairDir) throws Exception {
        try (MasterSlave pair = new MasterSlave(pairDir, s -> s.withAclFile(aclFile))) {
            DefaultMQAdminExt pairAdmin = new DefaultMQAdminExt(hook(ADMIN_KEY, ADMIN_SECRET));
            pairAdmin.setNamesrvAddr(pair.namesrvAddr());
            pairAdmin.setInstanceName("acl-pair-admin");
            pairAdmin.start();
            try {
                pairAdmin.createAndUpdateTopicConfig(pair.masterAddr(), new TopicConfig("T_ACL_PAIR", 2, 2, 6));
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> pairAdmin
                                .examineTopicRouteInfo("T_ACL_PAIR")
                                .getBrokerDatas()
                                .get(0)
                                .getBrokerAddrs()
                                .containsKey(1L));
                await().atMost(Duration.ofSeconds(30))
                        .untilAsserted(() ->
                                assertThat(pair.slave().ha().notReadyReason()).isEmpty());
                await().atMost(Duration.ofSeconds(30)).until(() -> pair.slave().isReady(60_000));
            } finally {
                pairAdmin.shutdown();
            }
        }
    }

    /** GET_BROKER_CLUSTER_ACL_CONFIG signed as AclClientRPCHook signs: the AccessKey value is the whole content. */
    private static RemotingCommand showAclConfig(String accessKey, String secretKey) throws Exception {
        String signature = AclUtils.calSignature(accessKey.getBytes(StandardCharsets.UTF_8), secretKey);
        RemotingCommand request = RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_ACL_CONFIG)
                .withExtFields(Map.of("AccessKey", accessKey, "Signature", signature));
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), request, 5000);
            assertThat(answer.opaque()).isEqualTo(request.opaque());
            return answer;
        }
    }

    private static boolean granted(DefaultMQProducer producer) {
        try {
            return producer.send(Messages.message(CLOSED, 5, "TagAcl")).getSendStatus() == SendStatus.SEND_OK;
        } catch (Exception e) {
            return false;
        }
    }

    private static long version() throws Exception {
        return admin.examineBrokerClusterAclVersionInfo(cluster.brokerAddr())
                .getAclConfigDataVersion()
                .getCounter()
                .get();
    }

    private static RPCHook hook(String accessKey, String secretKey) {
        return new AclClientRPCHook(new SessionCredentials(accessKey, secretKey));
    }

    private static DefaultMQAdminExt admin(String accessKey, String secretKey, String instance) throws Exception {
        DefaultMQAdminExt tool = new DefaultMQAdminExt(hook(accessKey, secretKey));
        tool.setNamesrvAddr(cluster.namesrvAddr());
        tool.setInstanceName(instance);
        tool.start();
        return tool;
    }

    private static DefaultMQProducer producer(RPCHook hook, String instance) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("PG_ACL", hook);
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName(instance);
        producer.setRetryTimesWhenSendFailed(0);
        producer.start();
        return producer;
    }

    /** The call fails with the broker's ACL refusal (the producer wraps it in its own exception). */
    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
        assertThatThrownBy(call).satisfies(e -> {
            // The producer wraps the broker's MQBrokerException; the admin API throws MQClientException itself.
            Throwable t = e;
            while (t != null && !(t instanceof MQBrokerException)) {
                t = t.getCause();
            }
            if (t == null) {
                t = e;
            }
            assertThat(t).as("a broker refusal in %s", e).isNotNull();
            int code =
                    t instanceof MQBrokerException b ? b.getResponseCode() : ((MQClientException) t).getResponseCode();
            String remark =
                    t instanceof MQBrokerException b ? b.getErrorMessage() : ((MQClientException) t).getErrorMessage();
            assertThat(code).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(remark).startsWith("AclException: " + reason);
        });
    }
}
