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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.BrokerStatsData;
import org.apache.rocketmq.common.protocol.body.ProducerInfo;
import org.apache.rocketmq.common.protocol.body.ProducerTableInfo;
import org.apache.rocketmq.common.protocol.body.QueueTimeSpan;
import org.apache.rocketmq.common.protocol.body.TopicList;
import org.apache.rocketmq.common.protocol.header.QueryConsumerOffsetRequestHeader;
import org.apache.rocketmq.common.protocol.header.UpdateConsumerOffsetRequestHeader;
import org.apache.rocketmq.remoting.protocol.LanguageCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin queries of docs/protocol.md §5.11 that 4.9.8's tools send and 4.9 brokers serve: GET_ALL_PRODUCER_INFO,
 * GET_SYSTEM_TOPIC_LIST_FROM_BROKER, CLONE_GROUP_OFFSET, QUERY_CONSUME_TIME_SPAN and QUERY_CORRECTION_OFFSET, through
 * the official API where it has a call for them.
 *
 * <p>One group, {@link #GROUP}, consumes {@link #PER_QUEUE} messages from each queue of {@link #TOPIC} and goes
 * offline; then {@link #LATE} more go to queue 1, so queue 0 is caught up and queue 1 lags.
 */
@Timeout(120)
class AdminQueriesToolTest {
    private static final String TOPIC = "T_ADMIN_QUERIES";
    private static final String GROUP = "CG_ADMIN_QUERIES";
    private static final int PER_QUEUE = 5;
    private static final int LATE = 2;

    @TempDir
    static Path dir;

    static AdminTools tools;
    static Cluster cluster;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;
    static long firstSendTime;

    @BeforeAll
    static void start() throws Exception {
        tools = AdminTools.start(new Cluster(dir), "admin-queries-test", "PG_ADMIN_QUERIES", "admin-queries-producer");
        cluster = tools.cluster;
        admin = tools.admin;
        producer = tools.producer;
        createTopic(TOPIC);
        firstSendTime = System.currentTimeMillis();
        for (int q = 0; q < 2; q++) {
            for (int i = 0; i < PER_QUEUE; i++) {
                producer.send(
                        Messages.message(TOPIC, q * PER_QUEUE + i, "TagQ"), new MessageQueue(TOPIC, "broker-a", q));
            }
        }
        consumeAllThenGoOffline();
        for (int i = 0; i < LATE; i++) {
            producer.send(Messages.message(TOPIC, 2 * PER_QUEUE + i, "TagQ"), new MessageQueue(TOPIC, "broker-a", 1));
        }
    }

    @AfterAll
    static void stop() {
        if (tools != null) {
            tools.close();
        }
    }

    @Test
    void producerInfoListsTheLiveProducer() throws Exception {
        // The producer's heartbeat reaches the broker once it has learnt the broker from a route.
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() ->
                        admin.getAllProducerInfo(cluster.brokerAddr()).getData().containsKey("PG_ADMIN_QUERIES"));
        ProducerTableInfo table = admin.getAllProducerInfo(cluster.brokerAddr());
        assertThat(table.getData().get("PG_ADMIN_QUERIES")).singleElement().satisfies(p -> {
            assertThat(p.getClientId()).endsWith("@admin-queries-producer");
            assertThat(p.getRemoteIP()).startsWith("127.0.0.1:");
            assertThat(p.getLanguage()).isEqualTo(LanguageCode.JAVA);
            assertThat(p.getVersion()).isPositive();
            assertThat(p.getLastUpdateTimestamp()).isBetween(firstSendTime - 60_000, System.currentTimeMillis());
        });
        // Every client instance also runs the inner producer the reference lists, and announces it in the same
        // heartbeat. (The admin tool's instance shows up too, but only after its first heartbeat to this broker,
        // which its 30-s timer sends: not something to wait for here.)
        assertThat(table.getData().get("CLIENT_INNER_PRODUCER"))
                .extracting(ProducerInfo::getClientId)
                .anyMatch(id -> id.endsWith("@admin-queries-producer"));
    }

    /** What mqadmin statsAll prints as a topic's and a group's TPS and 24-hour totals (VIEW_BROKER_STATS_DATA). */
    @Test
    void brokerStatsDataCountsTheTopicsPutsAndTheGroupsGets() throws Exception {
        int sent = 2 * PER_QUEUE + LATE;
        BrokerStatsData puts = admin.viewBrokerStatsData(cluster.brokerAddr(), "TOPIC_PUT_NUMS", TOPIC);
        assertThat(puts.getStatsDay().getSum()).isEqualTo(sent);
        assertThat(puts.getStatsHour().getSum()).isEqualTo(sent);
        assertThat(puts.getStatsMinute().getSum()).isBetween(0L, (long) sent);
        assertThat(puts.getStatsDay().getAvgpt()).as("one message per send").isEqualTo(1.0);
        assertThat(puts.getStatsDay().getTps()).isPositive();
        assertThat(admin.viewBrokerStatsData(cluster.brokerAddr(), "TOPIC_PUT_SIZE", TOPIC)
                        .getStatsDay()
                        .getSum())
                .isGreaterThan(sent * 6L);

        BrokerStatsData gets = admin.viewBrokerStatsData(cluster.brokerAddr(), "GROUP_GET_NUMS", TOPIC + "@" + GROUP);
        assertThat(gets.getStatsDay().getSum()).isGreaterThanOrEqualTo(2 * PER_QUEUE);

        assertThatThrownBy(() -> admin.viewBrokerStatsData(cluster.brokerAddr(), "TOPIC_PUT_NUMS", "T_NEVER_SENT"))
                .hasMessageContaining("The stats <TOPIC_PUT_NUMS> <T_NEVER_SENT> not exist");
    }

    @Test
    void systemTopicsAreListedAndTheToolsLeaveThemOutOfUserTopics() throws Exception {
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand answer = raw.invokeSync(
                    cluster.brokerAddr(), RemotingCommand.request(RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER), 5000);
            assertThat(answer.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(TopicList.decode(answer.body(), TopicList.class).getTopicList())
                    .containsExactlyInAnyOrder(
                            "TBW102",
                            "SCHEDULE_TOPIC_XXXX",
                            "rmq_sys_wheel_timer",
                            "BenchmarkTest",
                            "RMQ_SYS_TRANS_HALF_TOPIC",
                            "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                            "TRANS_CHECK_MAX_TIME_TOPIC",
                            "RMQ_SYS_TRACE_TOPIC",
                            "SELF_TEST_TOPIC",
                            "OFFSET_MOVED_EVENT",
                            "DefaultCluster",
                            "broker-a",
                            "DefaultCluster_REPLY_TOPIC");
        }
        // The client's system-topic list: the NameServer's cluster and broker names, then, from the broker the
        // NameServer names in its answer, the topics every broker creates for itself.
        Set<String> system = api().getSystemTopicList(5000).getTopicList();
        assertThat(system)
                .contains("DefaultCluster", "broker-a", "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRACE_TOPIC", "TBW102");
        // What the tools' getUserTopicConfig (updateOrderConf, the console) build on this request.
        Set<String> user = admin.getUserTopicConfig(cluster.brokerAddr(), false, 5000)
                .getTopicConfigTable()
                .keySet();
        assertThat(user).contains(TOPIC).doesNotContain("TBW102", "SCHEDULE_TOPIC_XXXX", "broker-a", "DefaultCluster");
        assertThat(user).noneMatch(t -> t.startsWith("%RETRY%"));
    }

    @Test
    void theBrokersOwnTopicsAreNeitherCreatedNorDeletedByAnAdmin() throws Exception {
        for (String own : List.of("DefaultCluster", "broker-a", "DefaultCluster_REPLY_TOPIC", "rmq_sys_anything")) {
            assertThatThrownBy(
                            () -> admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(own, 4, 4, 6)))
                    .as(own)
                    .isInstanceOfSatisfying(MQClientException.class, e -> {
                        assertThat(e.getResponseCode()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                        assertThat(e.getErrorMessage())
                                .isEqualTo("The topic[" + own + "] is conflict with system topic.");
                    });
        }
        assertThatThrownBy(() -> admin.deleteTopicInBroker(Set.of(cluster.brokerAddr()), "broker-a"))
                .isInstanceOf(MQClientException.class)
                .hasMessageContaining("conflict with system topic");
        Map<String, TopicConfig> table =
                api().getAllTopicConfig(cluster.brokerAddr(), 5000).getTopicConfigTable();
        assertThat(table.get("DefaultCluster").getReadQueueNums())
                .as("the broker's own, unchanged")
                .isEqualTo(16);
        assertThat(table).containsKey("broker-a");
        // With auto-creation off, an admin is the only way a trace topic comes to exist.
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig("RMQ_SYS_TRACE_TOPIC", 1, 1, 6));
    }

    @Test
    void consumeTimeSpanHasOneEntryPerQueueWithTheGroupsLag() throws Exception {
        // The broker's clock read falls between these two.
        long before = System.currentTimeMillis();
        List<QueueTimeSpan> spans = admin.queryConsumeTimeSpan(TOPIC, GROUP);
        List<QueueTimeSpan> neverConsumed = admin.queryConsumeTimeSpan(TOPIC, "CG_NEVER_CONSUMED");
        long now = System.currentTimeMillis();
        assertThat(spans).extracting(s -> s.getMessageQueue().getQueueId()).containsExactlyInAnyOrder(0, 1);
        for (QueueTimeSpan span : spans) {
            assertThat(span.getMessageQueue().getTopic()).isEqualTo(TOPIC);
            assertThat(span.getMessageQueue().getBrokerName()).isEqualTo("broker-a");
            assertThat(span.getMinTimeStamp()).isBetween(firstSendTime - 1000, now);
            assertThat(span.getConsumeTimeStamp()).isBetween(span.getMinTimeStamp(), span.getMaxTimeStamp());
            assertThat(span.getMaxTimeStamp()).isLessThanOrEqualTo(now);
        }
        QueueTimeSpan caughtUp = spanOf(spans, 0);
        assertThat(caughtUp.getConsumeTimeStamp()).isEqualTo(caughtUp.getMaxTimeStamp());
        assertThat(caughtUp.getDelayTime()).isZero();
        QueueTimeSpan lagging = spanOf(spans, 1);
        assertThat(lagging.getConsumeTimeStamp()).isLessThanOrEqualTo(lagging.getMaxTimeStamp());
        // The delay runs from the store time of the first late message, which lies between the group's last
        // consumed one and the queue's last.
        assertThat(lagging.getDelayTime()).isNotNegative();
        assertThat(now - lagging.getDelayTime()).isGreaterThanOrEqualTo(lagging.getConsumeTimeStamp());
        assertThat(before - lagging.getDelayTime()).isLessThanOrEqualTo(lagging.getMaxTimeStamp());

        // A group that never committed is behind from the queue's first message.
        assertThat(neverConsumed).hasSize(2).allSatisfy(span -> {
            assertThat(span.getConsumeTimeStamp()).isEqualTo(span.getMinTimeStamp());
            assertThat(span.getMinTimeStamp()).isBetween(before - span.getDelayTime(), now - span.getDelayTime());
        });
    }

    @Test
    void cloneGroupOffsetCopiesTheCommittedOffsets() throws Exception {
        String dest = "CG_ADMIN_QUERIES_CLONE";
        assertThat(committed(dest, TOPIC)).isEmpty();
        admin.cloneGroupOffset(GROUP, dest, TOPIC, true);
        Map<Integer, Long> copied = committed(dest, TOPIC);
        assertThat(copied).isEqualTo(committed(GROUP, TOPIC)).containsEntry(0, (long) PER_QUEUE);

        // No topic: every topic the source has offsets on (here the topic and its retry topic, once committed).
        String all = "CG_ADMIN_QUERIES_CLONE_ALL";
        admin.cloneGroupOffset(GROUP, all, null, true);
        assertThat(committed(all, TOPIC)).isEqualTo(committed(GROUP, TOPIC));
    }

    @Test
    void correctionOffsetIsTheSmallestOffsetOfTheOtherGroups() throws Exception {
        String topic = "T_ADMIN_CORRECTION";
        createTopic(topic);
        MQClientAPIImpl api =
                producer.getDefaultMQProducerImpl().getmQClientFactory().getMQClientAPIImpl();
        commit(api, "CG_CORR_A", topic, 0, 3);
        commit(api, "CG_CORR_A", topic, 1, 6);
        commit(api, "CG_CORR_B", topic, 0, 5);
        commit(api, "CG_CORR_B", topic, 1, 4);

        assertThat(api.queryCorrectionOffset(cluster.brokerAddr(), topic, "CG_CORR_A", Set.of(), 5000))
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, 3L, 1, 4L));
        // Without the compared group: queue 0's smallest (5) is past its 3, so that queue is "no correction".
        assertThat(api.queryCorrectionOffset(cluster.brokerAddr(), topic, "CG_CORR_A", Set.of("CG_CORR_A"), 5000))
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, Long.MAX_VALUE, 1, 4L));
        assertThat(api.queryCorrectionOffset(cluster.brokerAddr(), topic, "CG_CORR_A", Set.of("CG_CORR_B"), 5000))
                .containsExactlyInAnyOrderEntriesOf(Map.of(0, 3L, 1, 6L));
        // Filtering only reads: the reference drops the filtered groups' offsets from its table here.
        assertThat(committed("CG_CORR_B", topic)).containsExactlyInAnyOrderEntriesOf(Map.of(0, 5L, 1, 4L));
    }

    @Test
    void badRequestsAreRefusedWithTheirOpaqueAndNothingApplied() throws Exception {
        try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand unknown = timeSpan("T_ADMIN_NOWHERE", GROUP);
            RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), unknown, 5000);
            assertThat(answer.opaque()).isEqualTo(unknown.opaque());
            assertThat(answer.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST);
            assertThat(answer.remark()).isEqualTo("topic[T_ADMIN_NOWHERE] not exist");

            for (RemotingCommand bad : List.of(
                    timeSpan("../etc", GROUP),
                    timeSpan(TOPIC, "../etc"),
                    clone("../etc", "CG_BAD_DEST", TOPIC),
                    clone(GROUP, "../x", TOPIC),
                    clone(GROUP, "CG_BAD_DEST", "../etc"),
                    RemotingCommand.request(RequestCode.QUERY_CORRECTION_OFFSET)
                            .withExtField("topic", "../etc")
                            .withExtField("compareGroup", GROUP),
                    RemotingCommand.request(RequestCode.QUERY_CORRECTION_OFFSET)
                            .withExtField("topic", TOPIC)
                            .withExtField("compareGroup", "../etc"))) {
                answer = raw.invokeSync(cluster.brokerAddr(), bad, 5000);
                assertThat(answer.opaque()).isEqualTo(bad.opaque());
                assertThat(answer.code())
                        .as("code %d %s", bad.code(), bad.extFields())
                        .isEqualTo(ResponseCode.SYSTEM_ERROR);
            }
        }
        assertThat(committed("CG_BAD_DEST", TOPIC)).isEmpty();
    }

    private static RemotingCommand timeSpan(String topic, String group) {
        return RemotingCommand.request(RequestCode.QUERY_CONSUME_TIME_SPAN)
                .withExtField("topic", topic)
                .withExtField("group", group);
    }

    private static RemotingCommand clone(String src, String dest, String topic) {
        return RemotingCommand.request(RequestCode.CLONE_GROUP_OFFSET)
                .withExtField("srcGroup", src)
                .withExtField("destGroup", dest)
                .withExtField("topic", topic)
                .withExtField("offline", true);
    }

    private static QueueTimeSpan spanOf(List<QueueTimeSpan> spans, int queueId) {
        return spans.stream()
                .filter(s -> s.getMessageQueue().getQueueId() == queueId)
                .findFirst()
                .orElseThrow();
    }

    private static void createTopic(String topic) throws Exception {
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> producer.fetchPublishMessageQueues(topic).size() == 2);
    }

    private static void commit(MQClientAPIImpl api, String group, String topic, int queueId, long offset)
            throws Exception {
        UpdateConsumerOffsetRequestHeader header = new UpdateConsumerOffsetRequestHeader();
        header.setConsumerGroup(group);
        header.setTopic(topic);
        header.setQueueId(queueId);
        header.setCommitOffset(offset);
        api.updateConsumerOffset(cluster.brokerAddr(), header, 5000);
    }

    /**
     * The group's committed offsets above 0 on the topic's two queues, by queue id, through QUERY_CONSUMER_OFFSET (the
     * tools' examineConsumeStats needs the group's retry topic, which a cloned group does not have). 4.9.8 cannot ask
     * for an error when nothing is committed, and is answered 0.
     */
    private static Map<Integer, Long> committed(String group, String topic) throws Exception {
        Map<Integer, Long> offsets = new TreeMap<>();
        for (int q = 0; q < 2; q++) {
            QueryConsumerOffsetRequestHeader header = new QueryConsumerOffsetRequestHeader();
            header.setConsumerGroup(group);
            header.setTopic(topic);
            header.setQueueId(q);
            long offset = api().queryConsumerOffset(cluster.brokerAddr(), header, 5000);
            if (offset > 0) {
                offsets.put(q, offset);
            }
        }
        return offsets;
    }

    private static MQClientAPIImpl api() {
        return producer.getDefaultMQProducerImpl().getmQClientFactory().getMQClientAPIImpl();
    }

    /** {@link #GROUP} consumes everything sent so far, commits it, and shuts down. */
    private static void consumeAllThenGoOffline() throws Exception {
        Set<Integer> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(GROUP);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName("admin-queries-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.add(Messages.seq(m)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 2 * PER_QUEUE);
            await("offsets of " + GROUP + " committed")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> admin.examineConsumeStats(GROUP, TOPIC).getOffsetTable().values().stream()
                                    .mapToLong(OffsetWrapper::getConsumerOffset)
                                    .sum()
                            == 2 * PER_QUEUE);
        } finally {
            consumer.shutdown();
        }
    }
}
