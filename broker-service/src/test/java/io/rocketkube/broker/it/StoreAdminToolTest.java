package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.SettingsFactory;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ConsumeQueueData;
import org.apache.rocketmq.common.protocol.body.QueryConsumeQueueResponseBody;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * mqadmin's store maintenance and queue view (cleanExpiredCQ, deleteExpiredCommitLog, cleanUnusedTopic, queryCq)
 * through the 4.9.8 rocketmq-tools API against our broker (docs/protocol.md §5.11).
 *
 * <p>The broker keeps segments no time at all (reserved hours 0) in 256 KiB segments, so every full segment has
 * expired; its clock is put at noon, so the hourly deletion (at 04:00) cannot run on its own, and only the
 * admin's request deletes anything.
 */
@Timeout(120)
class StoreAdminToolTest {
    private static final String BROKER = "broker-a";

    @TempDir
    static Path dir;

    static AdminTools tools;
    static Cluster cluster;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;
    static final AtomicReference<MessageStore> store = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        Cluster started = new Cluster(dir, StoreAdminToolTest::smallSegmentsKeptNoTime, clockAtNoon(), config -> {
            DefaultMessageStore opened = DefaultMessageStore.open(config);
            store.set(opened);
            return opened;
        });
        tools = AdminTools.start(started, "store-admin-tool-test", "PG_STORE_ADMIN", "store-admin-test-producer");
        cluster = tools.cluster;
        admin = tools.admin;
        producer = tools.producer;
    }

    @AfterAll
    static void stop() {
        if (tools != null) {
            tools.close();
        }
    }

    private static BrokerSettings smallSegmentsKeptNoTime(BrokerSettings s) {
        Map<String, String> properties =
                new java.util.HashMap<>(BrokerSettings.testProperties(s.host(), s.storePath(), s.namesrvAddr()));
        properties.put("file-reserved-hours", "0");
        properties.put("max-message-size", "65536");
        properties.put("commit-log-segment-size", String.valueOf(256 * 1024));
        return SettingsFactory.load(properties);
    }

    /** The system clock moved forward to noon (UTC), never back, so every file written is already old. */
    private static Clock clockAtNoon() {
        int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        return Clock.offset(Clock.systemUTC(), Duration.ofHours((12 - hour + 24) % 24));
    }

    @Test
    void deleteExpiredCommitLogMovesTheQueueStartAndCleanExpiredCqKeepsTheRest() throws Exception {
        String topic = "T_EXPIRE";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 1, 1, 6));
        MessageQueue mq = new MessageQueue(topic, BROKER, 0);
        int sent = 80;
        for (int i = 0; i < sent; i++) {
            producer.send(new Message(topic, "TagA", incompressible("m" + i + "-", 10_000)), mq);
        }
        await().until(() -> admin.maxOffset(mq) == sent);
        // Three segments and more are written; retention left them all (not the deletion hour, disk not full).
        assertThat(admin.minOffset(mq)).isZero();
        assertThat(store.get().minPhysicalOffset()).isZero();

        // The segment being written, and what is not flushed yet, are never deleted: ask until flushed ones go.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            assertThat(admin.deleteExpiredCommitLogByAddr(cluster.brokerAddr())).isTrue();
            return admin.minOffset(mq) > 0;
        });
        long min = admin.minOffset(mq);
        assertThat(store.get().minPhysicalOffset()).isPositive();
        assertThat(admin.maxOffset(mq)).isEqualTo(sent);

        assertThat(admin.cleanExpiredConsumerQueueByAddr(cluster.brokerAddr())).isTrue();
        assertThat(admin.minOffset(mq)).isEqualTo(min);
        assertThat(admin.maxOffset(mq)).isEqualTo(sent);
        QueryConsumeQueueResponseBody cq = admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, min, 1, null);
        assertThat(cq.getMinQueueIndex()).isEqualTo(min);
        assertThat(cq.getQueueData())
                .singleElement()
                .satisfies(e -> assertThat(e.getPhysicOffset())
                        .isGreaterThanOrEqualTo(store.get().minPhysicalOffset()));
        // What is left is still read whole: the last message, by its stored offset.
        long last = admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, sent - 1, 1, null)
                .getQueueData()
                .get(0)
                .getPhysicOffset();
        assertThat(new String(admin.viewMessage(topic, offsetMsgId(last)).getBody(), StandardCharsets.UTF_8))
                .startsWith("m" + (sent - 1) + "-");
    }

    @Test
    void cleanUnusedTopicDropsQueuesWithoutConfigAndKeepsTheRest() throws Exception {
        String kept = "T_KEPT";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(kept, 1, 1, 6));
        producer.send(new Message(kept, "TagA", "kept".getBytes()), new MessageQueue(kept, BROKER, 0));
        // Queues with no configuration, as a crash between a topic's two deletions leaves them; and a transaction
        // half, which the broker always stores without one.
        put("T_ORPHAN", 2);
        put("RMQ_SYS_TRANS_HALF_TOPIC", 0);
        await().until(() -> store.get().topics().containsAll(List.of(kept, "T_ORPHAN", "RMQ_SYS_TRANS_HALF_TOPIC")));

        assertThat(admin.cleanUnusedTopicByAddr(cluster.brokerAddr())).isTrue();

        assertThat(store.get().topics()).doesNotContain("T_ORPHAN").contains(kept, "RMQ_SYS_TRANS_HALF_TOPIC");
        assertThat(admin.maxOffset(new MessageQueue(kept, BROKER, 0))).isEqualTo(1);
    }

    @Test
    void queryCqShowsEntriesAndWhetherTheGroupsSubscriptionMatchesThem() throws Exception {
        String topic = "T_QUERY_CQ";
        String group = "CG_QUERY_CQ";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 1, 1, 6));
        MessageQueue mq = new MessageQueue(topic, BROKER, 0);
        for (int i = 0; i < 4; i++) {
            producer.send(new Message(topic, i % 2 == 0 ? "TagA" : "TagB", ("q" + i).getBytes()), mq);
        }
        await().until(() -> admin.maxOffset(mq) == 4);

        QueryConsumeQueueResponseBody offline = admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, 1, 2, group);
        assertThat(offline.getMaxQueueIndex()).isEqualTo(4);
        assertThat(offline.getMinQueueIndex()).isZero();
        assertThat(offline.getSubscriptionData()).isNull();
        assertThat(offline.getFilterData()).isEqualTo(group + "@" + topic + " is not online!");
        assertThat(offline.getQueueData()).hasSize(2);
        ConsumeQueueData second = offline.getQueueData().get(0);
        assertThat(second.getTagsCode()).isEqualTo("TagB".hashCode());
        assertThat(second.getPhysicSize()).isPositive();
        assertThat(new String(
                        admin.viewMessage(topic, offsetMsgId(second.getPhysicOffset()))
                                .getBody(),
                        StandardCharsets.UTF_8))
                .isEqualTo("q1");

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-consumer");
        consumer.subscribe(topic, "TagA");
        consumer.registerMessageListener(
                (MessageListenerConcurrently) (msgs, context) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        consumer.start();
        try {
            await().until(() -> admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, 0, 10, group)
                            .getSubscriptionData()
                    != null);
            QueryConsumeQueueResponseBody online =
                    admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, 0, 10, group);
            assertThat(online.getSubscriptionData().getSubString()).isEqualTo("TagA");
            assertThat(online.getQueueData())
                    .extracting(ConsumeQueueData::isEval)
                    .containsExactly(true, false, true, false);
        } finally {
            consumer.shutdown();
        }

        QueryConsumeQueueResponseBody past = admin.queryConsumeQueue(cluster.brokerAddr(), topic, 0, 4, 10, null);
        assertThat(past.getQueueData()).isEmpty();
        assertThat(past.getMaxQueueIndex()).isEqualTo(4);
    }

    @Test
    void queryCqRefusesBadInputWithTheRequestsOpaque() throws Exception {
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand unknownQueue = queryCq("T_NO_SUCH_TOPIC", "0");
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), unknownQueue, 5000);
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).isEqualTo("0@T_NO_SUCH_TOPIC is not exist!");
            assertThat(answer.opaque()).isEqualTo(unknownQueue.opaque());

            RemotingCommand walkOut = queryCq("../etc", "0");
            answer = raw.invokeSync(cluster.brokerAddr(), walkOut, 5000);
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).contains("illegal characters");
            assertThat(answer.opaque()).isEqualTo(walkOut.opaque());

            RemotingCommand notANumber = queryCq("T_NO_SUCH_TOPIC", "zero");
            answer = raw.invokeSync(cluster.brokerAddr(), notANumber, 5000);
            assertThat(answer.code()).isNotEqualTo(ResponseCode.SUCCESS);
            assertThat(answer.opaque()).isEqualTo(notANumber.opaque());
        }
    }

    /** {@code prefix} and random bytes: the client compresses bodies above 4 KiB, and these must stay big. */
    private static byte[] incompressible(String prefix, int size) {
        byte[] body = new byte[size];
        new java.util.Random(size).nextBytes(body);
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(head, 0, body, 0, head.length);
        return body;
    }

    /** The msgId that names the record stored at {@code physicalOffset} on our broker. */
    private static String offsetMsgId(long physicalOffset) {
        String[] hostPort = cluster.brokerAddr().split(":");
        return MessageDecoder.createMessageId(
                new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), physicalOffset);
    }

    private static RemotingCommand queryCq(String topic, String queueId) {
        return RemotingCommand.request(RequestCode.QUERY_CONSUME_QUEUE)
                .withExtField("topic", topic)
                .withExtField("queueId", queueId)
                .withExtField("index", "0")
                .withExtField("count", "10");
    }

    private static void put(String topic, int queueId) throws Exception {
        store.get()
                .put(MessageRecordRequest.builder(topic, queueId, ByteBuffer.wrap("orphan".getBytes()))
                        .build())
                .get(10, TimeUnit.SECONDS);
    }
}
