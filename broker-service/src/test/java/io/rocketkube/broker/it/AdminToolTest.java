package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.ConsumeStats;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.admin.RollbackStats;
import org.apache.rocketmq.common.admin.TopicStatsTable;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.CMResult;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.body.ConsumeMessageDirectlyResult;
import org.apache.rocketmq.common.protocol.body.ConsumeStatsList;
import org.apache.rocketmq.common.protocol.body.ConsumerConnection;
import org.apache.rocketmq.common.protocol.body.ConsumerRunningInfo;
import org.apache.rocketmq.common.protocol.body.KVTable;
import org.apache.rocketmq.common.protocol.body.TopicList;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.admin.api.MessageTrack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What mqadmin does, through the 4.9.8 rocketmq-tools API (docs/protocol.md §10(g)). For {@code resetOffsetByTime}
 * and {@code skipAccumulatedMessage} the broker computes the offsets and the live consumer applies them; an offline
 * group is told so and the tools' fallback commits the offsets itself.
 */
@Timeout(120)
class AdminToolTest {
    private static final int QUEUES = 2;
    private static final int SENT = 10;

    @TempDir
    static Path dir;

    static AdminTools tools;
    static Cluster cluster;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;

    @BeforeAll
    static void start() throws Exception {
        tools = AdminTools.start(new Cluster(dir), "admin-tool-test", "PG_ADMIN", "admin-test-producer");
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

    @Test
    void clusterListAndBrokerStatus() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        assertThat(info.getClusterAddrTable()).containsEntry("DefaultCluster", Set.of("broker-a"));
        String addr = info.getBrokerAddrTable().get("broker-a").getBrokerAddrs().get(0L);
        assertThat(addr).isEqualTo(cluster.brokerAddr());
        KVTable runtime = admin.fetchBrokerRuntimeStats(addr);
        assertThat(runtime.getTable())
                .containsEntry("brokerVersion", "409")
                .containsKeys(
                        "putTps",
                        "getTransferedTps",
                        "earliestMessageTimeStamp",
                        "commitLogDiskRatio",
                        "msgPutTotalTodayNow",
                        "msgGetTotalTodayNow",
                        "putMessageAverageSize",
                        "commitLogDirCapacity");
        // clusterList parses the first rate token as a double, exportMetrics the average size.
        Double.parseDouble(runtime.getTable().get("putTps").split(" ")[0]);
        Double.parseDouble(runtime.getTable().get("putMessageAverageSize"));
        assertThat(runtime.getTable().get("commitLogDirCapacity"))
                .matches("Total : [0-9.]+ \\w+, Free : [0-9.]+ \\w+\\.");
        // exportMetrics reads the CPU count from the broker's config.
        java.util.Properties config = admin.getBrokerConfig(addr);
        assertThat(config.getProperty("clientCallbackExecutorThreads"))
                .isEqualTo(String.valueOf(Runtime.getRuntime().availableProcessors()));
        // The reference's names for what we have: the settings in force, with its defaults where ours are its.
        assertThat(config)
                .containsEntry("aclEnable", "false")
                .containsEntry("storePathCommitLog", config.getProperty("storePathRootDir") + "/commitlog")
                .containsEntry("maxTransferCountOnMessageInMemory", "32")
                .containsEntry("maxTransferCountOnMessageInDisk", "8")
                .containsEntry("accessMessageInMemoryMaxRatio", "40")
                .containsEntry("haSlaveFallbehindMax", String.valueOf(256 * 1024 * 1024))
                .containsEntry("longPollingEnable", "true")
                .containsKeys("registerNameServerPeriod", "haTransferBatchSize", "brokerIP2");
    }

    @Test
    void updateTopicThenTopicListRouteAndStatusThenDeleteTopic() throws Exception {
        String topic = "T_ADMIN_CRUD";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 3, 3, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.fetchAllTopicList().getTopicList().contains(topic));
        TopicList all = admin.fetchAllTopicList();
        assertThat(all.getTopicList()).contains("TBW102", "DefaultCluster", "broker-a", "SELF_TEST_TOPIC");

        TopicRouteData route = admin.examineTopicRouteInfo(topic);
        assertThat(route.getQueueDatas()).singleElement().satisfies(q -> {
            assertThat(q.getReadQueueNums()).isEqualTo(3);
            assertThat(q.getWriteQueueNums()).isEqualTo(3);
            assertThat(q.getPerm()).isEqualTo(6);
        });

        for (int i = 0; i < 5; i++) {
            producer.send(Messages.message(topic, i, "TagA"), new MessageQueue(topic, "broker-a", 2));
        }
        // The consume queue is written by the store's dispatcher just after the send is acknowledged.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> admin.examineTopicStats(topic)
                                .getOffsetTable()
                                .get(new MessageQueue(topic, "broker-a", 2))
                                .getMaxOffset()
                        == 5);
        TopicStatsTable stats = admin.examineTopicStats(topic);
        assertThat(stats.getOffsetTable()).hasSize(3);
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 2))
                        .getMaxOffset())
                .isEqualTo(5);
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 2))
                        .getLastUpdateTimestamp())
                .isPositive();
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 0))
                        .getMaxOffset())
                .isZero();

        admin.deleteTopicInBroker(Set.of(cluster.brokerAddr()), topic);
        // As mqadmin deleteTopic calls it: 4.9.8 forwards the two names swapped, so the topic goes second.
        admin.deleteTopicInNameServer(Set.of(cluster.namesrvAddr()), topic, "DefaultCluster");
        assertThat(admin.fetchAllTopicList().getTopicList()).doesNotContain(topic);
        assertThatThrownBy(() -> admin.examineTopicStats(topic)).isInstanceOf(MQClientException.class);
    }

    @Test
    void consumerProgressConnectionsAndQueryMessageById() throws Exception {
        String topic = "T_ADMIN_PROGRESS";
        String group = "CG_ADMIN_PROGRESS";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !producer.fetchPublishMessageQueues(topic).isEmpty());
        Map<Integer, SendResult> results = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            results.put(i, producer.send(Messages.message(topic, i, "TagA")));
        }
        Map<Integer, MessageExt> received = new ConcurrentHashMap<>();
        AtomicInteger calls = new AtomicInteger();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName("admin-progress-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.put(Messages.seq(m), m));
            calls.incrementAndGet();
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 10);
            // Offsets reach the broker with the consumer's periodic persist (oneway UPDATE_CONSUMER_OFFSET);
            // until the first one the tool refuses an empty table, as it does against the reference.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                ConsumeStats stats = admin.examineConsumeStats(group);
                return stats.getOffsetTable().values().stream()
                                .mapToLong(OffsetWrapper::getConsumerOffset)
                                .sum()
                        == 10;
            });
            ConsumeStats stats = admin.examineConsumeStats(group);
            // Once the consumer has committed on its retry queue, that topic is reported too, as the reference does.
            assertThat(stats.getOffsetTable().keySet())
                    .filteredOn(mq -> mq.getTopic().equals(topic))
                    .extracting(MessageQueue::getQueueId)
                    .containsExactlyInAnyOrder(0, 1);
            assertThat(stats.computeTotalDiff()).isZero();

            ConsumerConnection connection = admin.examineConsumerConnectionInfo(group);
            assertThat(connection.getConnectionSet())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getClientId()).endsWith("@admin-progress-consumer"));
            assertThat(connection.getSubscriptionTable()).containsKey(topic);

            SendResult sent = results.get(3);
            MessageExt viewed = admin.viewMessage(sent.getOffsetMsgId());
            Messages.assertSame(viewed, Messages.message(topic, 3, "TagA"));
            List<MessageTrack> tracks = admin.messageTrackDetail(viewed);
            assertThat(tracks).extracting(MessageTrack::getConsumerGroup).contains(group);

            // consumerStatus and consumeMessage -d: the broker forwards to the client and relays its answer.
            String clientId = connection.getConnectionSet().iterator().next().getClientId();
            ConsumerRunningInfo running = admin.getConsumerRunningInfo(group, clientId, false);
            assertThat(running.getSubscriptionSet())
                    .extracting(SubscriptionData::getTopic)
                    .contains(topic);
            assertThat(running.getMqTable().keySet())
                    .filteredOn(mq -> mq.getTopic().equals(topic))
                    .hasSize(2);
            int callsBefore = calls.get();
            ConsumeMessageDirectlyResult direct = admin.consumeMessageDirectly(group, clientId, sent.getOffsetMsgId());
            assertThat(direct.getConsumeResult()).isEqualTo(CMResult.CR_SUCCESS);
            assertThat(calls.get())
                    .as("the listener ran once more, for that message")
                    .isEqualTo(callsBefore + 1);
            assertThatThrownBy(() -> admin.getConsumerRunningInfo(group, "nobody@nowhere", false))
                    .isInstanceOfSatisfying(
                            MQClientException.class,
                            e -> assertThat(e.getErrorMessage()).contains("not online"));
        } finally {
            consumer.shutdown();
        }
    }

    @Test
    void resetByTimeRewindsALiveConsumerAndSkipMovesItPastTheBacklog() throws Exception {
        String topic = "T_RESET_LIVE";
        String group = "CG_RESET_LIVE";
        long before = createTopicAndSend(topic, 0, SENT);
        Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        CountDownLatch gate = new CountDownLatch(1);
        // Messages sent after the first ten are held by the listener, so their offsets cannot be committed by
        // consuming them: only the skip can move the group past them.
        DefaultMQPushConsumer consumer = consumedFirstBatch(topic, group, deliveries, holdFromSent(gate));
        try {
            Map<MessageQueue, Long> rewound = admin.resetOffsetByTimestamp(topic, group, before, true);
            assertThat(rewound)
                    .hasSize(QUEUES)
                    .allSatisfy((queue, offset) -> assertThat(offset).isZero());
            // The client drops its queues, waits 10 s for in-flight work, commits the new offsets and pulls again.
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> deliveries.values().stream().allMatch(n -> n.get() >= 2));
            awaitCommitted(group, topic, SENT);

            createTopicAndSend(topic, SENT, 5);
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.containsKey(SENT));
            Map<MessageQueue, Long> skipped = admin.resetOffsetByTimestamp(topic, group, -1, true);
            assertThat(skipped.values().stream().mapToLong(Long::longValue).sum())
                    .as("every queue's end")
                    .isEqualTo(SENT + 5);
            awaitCommitted(group, topic, SENT + 5);
        } finally {
            gate.countDown();
            consumer.shutdown();
        }
    }

    @Test
    void anOfflineGroupIsToldSoAndTheToolsCommitTheOffsetsThemselves() throws Exception {
        String topic = "T_RESET_OFFLINE";
        String group = "CG_RESET_OFFLINE";
        long before = createTopicAndSend(topic, 0, SENT);
        Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        consumedFirstBatch(topic, group, deliveries, seq -> {}).shutdown();

        assertThatThrownBy(() -> admin.resetOffsetByTimestamp(topic, group, before, true))
                .isInstanceOfSatisfying(
                        MQClientException.class,
                        e -> assertThat(e.getResponseCode()).isEqualTo(ResponseCode.CONSUMER_NOT_ONLINE));
        // What mqadmin resetOffsetByTime does next (ResetOffsetByTimeOldCommand).
        List<RollbackStats> rolledBack = admin.resetOffsetByTimestampOld(group, topic, before, true);
        assertThat(rolledBack).hasSize(QUEUES);
        awaitCommitted(group, topic, 0);
    }

    @Test
    void brokerConsumeStatsListsEveryGroupWithItsLag() throws Exception {
        String topic = "T_RESET_STATS";
        String group = "CG_RESET_STATS";
        createTopicAndSend(topic, 0, SENT);
        Map<Integer, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        CountDownLatch gate = new CountDownLatch(1);
        // Later messages are held by the listener, so the group's offsets stay where the first ten left them.
        DefaultMQPushConsumer consumer = consumedFirstBatch(topic, group, deliveries, holdFromSent(gate));
        try {
            createTopicAndSend(topic, SENT, 3);

            ConsumeStatsList all = admin.fetchConsumeStatsInBroker(cluster.brokerAddr(), false, 5000);
            assertThat(all.getBrokerAddr()).isEqualTo(cluster.brokerAddr());
            List<ConsumeStats> ours = all.getConsumeStatsList().stream()
                    .filter(m -> m.containsKey(group))
                    .findFirst()
                    .orElseThrow()
                    .get(group);
            // One ConsumeStats per topic with offsets: the topic, and the group's retry topic once it committed there.
            assertThat(ours)
                    .filteredOn(stats -> stats.getOffsetTable().keySet().stream()
                            .anyMatch(q -> q.getTopic().equals(topic)))
                    .singleElement()
                    .satisfies(stats -> {
                        assertThat(stats.getOffsetTable()).hasSize(QUEUES);
                        assertThat(stats.computeTotalDiff()).isEqualTo(3);
                    });
            assertThat(all.getTotalDiff()).isGreaterThanOrEqualTo(3);

            ConsumeStatsList ordered = admin.fetchConsumeStatsInBroker(cluster.brokerAddr(), true, 5000);
            assertThat(ordered.getConsumeStatsList())
                    .filteredOn(m -> m.containsKey(group))
                    .singleElement()
                    .satisfies(m -> assertThat(m.get(group)).isEmpty());
        } finally {
            gate.countDown();
            consumer.shutdown();
        }
    }

    @Test
    void getConsumerStatusGathersTheOffsetsEachLiveConsumerHolds() throws Exception {
        String topic = "T_CONSUMER_STATUS";
        String group = "CG_CONSUMER_STATUS";
        createTopicAndSend(topic, 0, SENT);
        DefaultMQPushConsumer consumer = consumedFirstBatch(topic, group, new ConcurrentHashMap<>(), seq -> {});
        try {
            String clientId = admin.examineConsumerConnectionInfo(group)
                    .getConnectionSet()
                    .iterator()
                    .next()
                    .getClientId();
            // The tools API's getConsumeStatus(topic, group, ""): the broker asks the consumer for what it holds.
            Map<String, Map<MessageQueue, Long>> status = admin.getConsumeStatus(topic, group, "");
            assertThat(status).containsOnlyKeys(clientId);
            assertThat(status.get(clientId).keySet())
                    .extracting(MessageQueue::getTopic, MessageQueue::getBrokerName, MessageQueue::getQueueId)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(topic, "broker-a", 0),
                            org.assertj.core.groups.Tuple.tuple(topic, "broker-a", 1));
            assertThat(status.get(clientId).values().stream()
                            .mapToLong(Long::longValue)
                            .sum())
                    .isEqualTo(SENT);
            // -i names one consumer; one that is not in the group gets an empty table, as from the reference.
            assertThat(admin.getConsumeStatus(topic, group, clientId)).containsOnlyKeys(clientId);
            assertThat(admin.getConsumeStatus(topic, group, "127.0.0.1@nobody")).isEmpty();
        } finally {
            consumer.shutdown();
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThatThrownBy(() -> admin.getConsumeStatus(topic, group, ""))
                        .isInstanceOfSatisfying(MQClientException.class, e -> {
                            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                            assertThat(e.getErrorMessage()).contains("No Any Consumer online", group);
                        }));
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand noGroup = RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS)
                    .withExtField("topic", topic);
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), noGroup, 5000);
            assertThat(answer.opaque()).isEqualTo(noGroup.opaque());
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).contains("group");
        }
    }

    @Test
    void badResetsAreRefusedWithTheirReason() throws Exception {
        String topic = "T_RESET_BAD";
        createTopicAndSend(topic, 0, 1);
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand unknownTopic = reset("T_RESET_NOWHERE", "CG_ANY", Map.of());
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), unknownTopic, 5000);
            assertThat(answer.opaque()).isEqualTo(unknownTopic.opaque());
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).contains("no topic in this broker");

            RemotingCommand neverCommitted = reset(topic, "CG_NEVER", Map.of());
            answer = raw.invokeSync(cluster.brokerAddr(), neverCommitted, 5000);
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).contains("CG_NEVER", "not exist");

            RemotingCommand oneQueue = reset(topic, "CG_NEVER", Map.of("queueId", "0", "offset", "0"));
            answer = raw.invokeSync(cluster.brokerAddr(), oneQueue, 5000);
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(answer.remark()).contains("not supported");

            RemotingCommand badTopic = reset("../etc", "CG_ANY", Map.of());
            answer = raw.invokeSync(cluster.brokerAddr(), badTopic, 5000);
            assertThat(answer.opaque()).isEqualTo(badTopic.opaque());
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        }
    }

    private static RemotingCommand reset(String topic, String group, Map<String, String> extra) {
        RemotingCommand request = RemotingCommand.request(RequestCode.INVOKE_BROKER_TO_RESET_OFFSET)
                .withExtField("topic", topic)
                .withExtField("group", group)
                .withExtField("timestamp", 0L)
                .withExtField("isForce", true);
        extra.forEach(request::withExtField);
        return request;
    }

    /** Creates the topic if needed and sends {@code count} messages from {@code firstSeq}; the time before them. */
    private static long createTopicAndSend(String topic, int firstSeq, int count) throws Exception {
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, QUEUES, QUEUES, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> producer.fetchPublishMessageQueues(topic).size() == QUEUES);
        long before = System.currentTimeMillis() - 1000;
        for (int i = firstSeq; i < firstSeq + count; i++) {
            producer.send(Messages.message(topic, i, "TagR"));
        }
        return before;
    }

    /** A started consumer that has received the first {@link #SENT} messages and committed their offsets. */
    private static DefaultMQPushConsumer consumedFirstBatch(
            String topic, String group, Map<Integer, AtomicInteger> deliveries, IntConsumer onMessage)
            throws Exception {
        DefaultMQPushConsumer consumer = consumer(topic, group, deliveries, onMessage);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveries.size() == SENT);
            awaitCommitted(group, topic, SENT);
            return consumer;
        } catch (RuntimeException | Error e) {
            consumer.shutdown();
            throw e;
        }
    }

    /** A listener step that holds every message from number {@link #SENT} on until the gate opens (60 s at most). */
    private static IntConsumer holdFromSent(CountDownLatch gate) {
        return seq -> {
            if (seq < SENT) {
                return;
            }
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** A started push consumer that records each delivery, after {@code onMessage} returns, by sequence number. */
    private static DefaultMQPushConsumer consumer(
            String topic, String group, Map<Integer, AtomicInteger> deliveries, IntConsumer onMessage)
            throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        // A skipped rebalance heartbeat leaves pulls answered SUBSCRIPTION_NOT_LATEST until the next heartbeat.
        consumer.setHeartbeatBrokerInterval(1000);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (var m : msgs) {
                deliveries
                        .computeIfAbsent(Messages.seq(m), k -> new AtomicInteger())
                        .incrementAndGet();
                onMessage.accept(Messages.seq(m));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    /** Waits until the broker holds {@code total} as the sum of the group's committed offsets on the topic. */
    private static void awaitCommitted(String group, String topic, long total) {
        await("offsets of " + group + " committed to " + total)
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> {
                    ConsumeStats stats = admin.examineConsumeStats(group, topic);
                    return stats.getOffsetTable().values().stream()
                                    .mapToLong(OffsetWrapper::getConsumerOffset)
                                    .sum()
                            == total;
                });
    }
}
