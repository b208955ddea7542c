package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.RetentionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** UPDATE_BROKER_CONFIG (25) as mqadmin updateBrokerConfig sends it, through the 4.9.8 tools. */
@Timeout(120)
class BrokerConfigUpdateTest {
    static final String TOPIC = "T_BROKER_PERM";

    @TempDir
    Path dir;

    Cluster cluster;
    DefaultMQAdminExt admin;
    DefaultMQProducer producer;

    @BeforeEach
    void start() throws Exception {
        cluster = new Cluster(dir);
        admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("broker-config-admin");
        admin.start();
        producer = new DefaultMQProducer("PG_BROKER_PERM");
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName("broker-config-producer");
        producer.start();
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(TOPIC, 2, 2, 6));
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm() == 6);
    }

    @AfterEach
    void stop() {
        producer.shutdown();
        admin.shutdown();
        cluster.close();
    }

    @Test
    void readOnlyPermissionRefusesSendsLeavesRoutesWithoutWriteAndSurvivesRestart() throws Exception {
        assertThat(producer.send(Messages.message(TOPIC, 0, "TagA")).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);

        admin.updateBrokerConfig(cluster.brokerAddr(), props("brokerPermission", "4"));

        // The producer still holds the read-write route it fetched, so it sends here and the broker refuses.
        Throwable refused = catchThrowable(() -> producer.send(Messages.message(TOPIC, 1, "TagA")));
        assertThat(brokerError(refused)).isNotNull().satisfies(e -> {
            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.NO_PERMISSION);
            assertThat(e.getErrorMessage()).isEqualTo("the broker[127.0.0.1] sending message is forbidden");
        });
        // Registered at once with a new data version: the NameServer's route lost write.
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm() == 4);
        assertThat(admin.getBrokerConfig(cluster.brokerAddr()).getProperty("brokerPermission"))
                .isEqualTo("4");

        cluster.restartBroker();
        assertThat(admin.getBrokerConfig(cluster.brokerAddr()).getProperty("brokerPermission"))
                .isEqualTo("4");
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm() == 4);

        admin.updateBrokerConfig(cluster.brokerAddr(), props("brokerPermission", "6"));
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm() == 6);
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> producer.send(Messages.message(TOPIC, 2, "TagA")).getSendStatus() == SendStatus.SEND_OK);
        assertThat(admin.getBrokerConfig(cluster.brokerAddr()).getProperty("brokerPermission"))
                .isEqualTo("6");
    }

    @Test
    void unknownOrStaticKeysAreRefusedAndAMixedRequestChangesNothing() throws Exception {
        Throwable unknown =
                catchThrowable(() -> admin.updateBrokerConfig(cluster.brokerAddr(), props("noSuchKey", "1")));
        assertThat(unknown).isInstanceOf(MQBrokerException.class);
        assertThat(((MQBrokerException) unknown).getResponseCode()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(((MQBrokerException) unknown).getErrorMessage())
                .contains("[noSuchKey] is unknown")
                .contains("fileReservedTime");

        Properties mixed = props("brokerPermission", "4");
        mixed.setProperty("brokerName", "broker-z");
        Throwable refused = catchThrowable(() -> admin.updateBrokerConfig(cluster.brokerAddr(), mixed));
        assertThat(refused).isInstanceOf(MQBrokerException.class);
        assertThat(((MQBrokerException) refused).getErrorMessage())
                .contains("[brokerName] cannot be changed while the broker runs");

        Throwable badValue =
                catchThrowable(() -> admin.updateBrokerConfig(cluster.brokerAddr(), props("brokerPermission", "rw")));
        assertThat(badValue).isInstanceOf(MQBrokerException.class);

        Properties config = admin.getBrokerConfig(cluster.brokerAddr());
        assertThat(config.getProperty("brokerPermission")).isEqualTo("6");
        assertThat(config.getProperty("brokerName")).isEqualTo("broker-a");
        assertThat(producer.send(Messages.message(TOPIC, 3, "TagA")).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        // Nothing was persisted either: a restart still comes up read-write.
        cluster.restartBroker();
        assertThat(admin.getBrokerConfig(cluster.brokerAddr()).getProperty("brokerPermission"))
                .isEqualTo("6");
    }

    /**
     * The keys besides the permission that mqadmin may change: each takes effect at once, is what
     * getBrokerConfig shows, and survives a restart.
     */
    @Test
    void autoCreationTheBodyLimitAndRetentionChangeAtOnceAndSurviveARestart() throws Exception {
        String addr = cluster.brokerAddr();
        Properties off = props("autoCreateTopicEnable", "false");
        off.setProperty("autoCreateSubscriptionGroup", "false");
        off.setProperty("maxMessageSize", "1024");
        off.setProperty("fileReservedTime", "12");
        off.setProperty("deleteWhen", "03;15");
        off.setProperty("diskMaxUsedSpaceRatio", "60");
        admin.updateBrokerConfig(addr, off);

        // The template topic left the broker's table, and a send to a new topic is refused. (The NameServers keep
        // the template's old queue data: like Apache's, they drop a broker's topics only when it leaves.)
        assertThat(admin.examineTopicConfig(addr, TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC))
                .isNull();
        Throwable notMade = catchThrowable(() -> producer.send(Messages.message("T_NOT_MADE", 0, "TagA")));
        assertThat(brokerError(notMade))
                .isNotNull()
                .satisfies(e -> assertThat(e.getResponseCode()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST));
        assertThat(admin.examineTopicConfig(addr, "T_NOT_MADE")).isNull();
        // A 2 KiB body is over the new limit.
        Throwable tooLarge = catchThrowable(() -> producer.send(new Message(TOPIC, new byte[2048])));
        assertThat(brokerError(tooLarge)).isNotNull().satisfies(e -> {
            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
            assertThat(e.getErrorMessage()).contains("MAX: 1024");
        });
        assertThat(producer.send(new Message(TOPIC, new byte[1024])).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        // A new group gets no config from its heartbeat.
        String group = "CG_NOT_MADE";
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName("broker-config-consumer");
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> null);
        consumer.start();
        try {
            // start() ends with a heartbeat sent and answered; this one as well (both synchronous).
            consumer.getDefaultMQPushConsumerImpl().getmQClientFactory().sendHeartbeatToAllBrokerWithLock();
            assertThat(admin.examineSubscriptionGroupConfig(addr, group)).isNull();

            admin.updateBrokerConfig(addr, props("autoCreateSubscriptionGroup", "true"));
            consumer.getDefaultMQPushConsumerImpl().getmQClientFactory().sendHeartbeatToAllBrokerWithLock();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> admin.examineSubscriptionGroupConfig(addr, group) != null);
        } finally {
            consumer.shutdown();
        }

        Properties config = admin.getBrokerConfig(addr);
        assertThat(config)
                .containsEntry("autoCreateTopicEnable", "false")
                .containsEntry("autoCreateSubscriptionGroup", "true")
                .containsEntry("maxMessageSize", "1024")
                .containsEntry("fileReservedTime", "12")
                .containsEntry("deleteWhen", "03;15")
                .containsEntry("diskMaxUsedSpaceRatio", "60");
        assertThat(cluster.broker().store().retentionPolicy()).isEqualTo(new RetentionPolicy(12, Set.of(3, 15), 60));

        cluster.restartBroker();
        Properties restarted = admin.getBrokerConfig(addr);
        for (String key : List.of(
                "autoCreateTopicEnable",
                "autoCreateSubscriptionGroup",
                "maxMessageSize",
                "fileReservedTime",
                "deleteWhen",
                "diskMaxUsedSpaceRatio")) {
            assertThat(restarted.getProperty(key)).as(key).isEqualTo(config.getProperty(key));
        }
        assertThat(cluster.broker().store().retentionPolicy()).isEqualTo(new RetentionPolicy(12, Set.of(3, 15), 60));
        assertThat(admin.examineTopicConfig(addr, TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC))
                .as("no template after the restart either")
                .isNull();

        admin.updateBrokerConfig(addr, props("autoCreateTopicEnable", "true"));
        assertThat(admin.examineTopicConfig(addr, TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC))
                .isNotNull();
        // The registration that announces the template again runs in the background: the client may look first.
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() ->
                        producer.send(Messages.message("T_MADE_NOW", 0, "TagA")).getSendStatus() == SendStatus.SEND_OK);
    }

    @Test
    void aBodyLimitAboveTheOneTheBrokerStartedWithIsRefused() {
        Throwable refused = catchThrowable(() -> admin.updateBrokerConfig(
                cluster.brokerAddr(), props("maxMessageSize", String.valueOf(64 * 1024 * 1024))));
        assertThat(brokerError(refused)).isNotNull().satisfies(e -> {
            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(e.getErrorMessage()).contains("maxMessageSize").contains("needs a restart");
        });
    }

    /** mqadmin exportConfigs copies these keys with Properties.setProperty, which fails on any that is missing. */
    @Test
    void getBrokerConfigHasEveryKeyExportConfigsReads() throws Exception {
        Properties config = admin.getBrokerConfig(cluster.brokerAddr());
        assertThat(config.stringPropertyNames())
                .contains(
                        "brokerClusterName",
                        "brokerId",
                        "brokerName",
                        "brokerRole",
                        "fileReservedTime",
                        "filterServerNums",
                        "flushDiskType",
                        "maxMessageSize",
                        "messageDelayLevel",
                        "msgTraceTopicName",
                        "slaveReadEnable",
                        "traceOn",
                        "traceTopicEnable",
                        "useTLS",
                        "autoCreateTopicEnable",
                        "autoCreateSubscriptionGroup");
        assertThat(config.getProperty("messageDelayLevel"))
                .isEqualTo("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h");
        assertThat(config.getProperty("slaveReadEnable")).isIn("true", "false");
    }

    private int routePerm() throws Exception {
        return admin.examineTopicRouteInfo(TOPIC).getQueueDatas().stream()
                .mapToInt(QueueData::getPerm)
                .findFirst()
                .orElse(-1);
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    private static MQBrokerException brokerError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MQBrokerException broker) {
                return broker;
            }
        }
        return null;
    }
}
