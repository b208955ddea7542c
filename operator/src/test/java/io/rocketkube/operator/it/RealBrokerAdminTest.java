package io.rocketkube.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.SettingsFactory;
import io.rocketkube.client.protocol.QueueData;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicRouteData;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.admin.RemotingBrokerAdmin;
import io.rocketkube.operator.admin.TopicBacklog;
import io.rocketkube.operator.reconcile.DrainJudge;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's real admin client against our NameServer and two broker groups in-process on
 * loopback, with the official 4.9 client producing and consuming: every answer the drain and the
 * write stop rely on is the one the real broker gives, not the fake's.
 *
 * <pre>
 *   NameServer (port kept across its restart)
 *     |-- c-broker-0  topics T (4 queues, consumed by CG), U (2 queues, no consumer), %RETRY%CG
 *     `-- c-broker-1  empty
 * </pre>
 */
@Timeout(90)
class RealBrokerAdminTest {

    static final String HOST = "127.0.0.1";
    static final String CLUSTER = "c";
    static final String GROUP0 = "c-broker-0";
    static final String GROUP1 = "c-broker-1";
    static final String CONSUMER_GROUP = "CG_DRAIN";
    static final String RETRY = "%RETRY%" + CONSUMER_GROUP;

    static {
        LoopbackBrokers.quietApacheClient();
    }

    @TempDir
    Path dir;

    NameServer nameServer;
    Broker broker0;
    Broker broker1;
    RemotingClient remoting;
    RemotingBrokerAdmin admin;
    DefaultMQProducer producer;
    DefaultMQPushConsumer consumer;

    @BeforeEach
    void start() throws Exception {
        nameServer = startNameServer(0);
        broker0 = startBroker(GROUP0, 0);
        broker1 = startBroker(GROUP1, 0);
        remoting = new RemotingClient(RemotingClientConfig.defaults());
        admin = new RemotingBrokerAdmin(new RemotingClient(RemotingClientConfig.defaults()), Duration.ofSeconds(5));
        producer = new DefaultMQProducer("PG_DRAIN");
        producer.setNamesrvAddr(nameServer.address());
        producer.setInstanceName("real-admin-producer");
        producer.setPollNameServerInterval(500);
        producer.setRetryTimesWhenSendFailed(0);
        producer.start();
    }

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.shutdown();
        }
        producer.shutdown();
        admin.close();
        remoting.close();
        broker0.close();
        broker1.close();
        nameServer.close();
    }

    @Test
    void registrationAndCommitLogOffsetsAreReadFromTheRealProcesses() throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.registeredMasters(List.of(nameServer.address()), CLUSTER)
                                .size()
                        == 2);
        assertThat(admin.registeredMasters(List.of(nameServer.address()), CLUSTER))
                .containsExactlyInAnyOrder(GROUP0, GROUP1);
        assertThat(admin.registeredMasters(List.of(nameServer.address()), "other"))
                .isEmpty();

        createTopic(broker0, "T_LAG", 1);
        sendAll("T_LAG", 5);
        // GET_BROKER_RUNTIME_INFO's commitLogMaxOffset: group 1 stored nothing, so "lag" of its
        // CommitLog behind group 0's is group 0's whole CommitLog, and nothing the other way round.
        Map<String, Long> lag =
                admin.replicationLagBytes(new GroupEndpoints(GROUP0, broker0.address(), List.of(broker1.address())));
        assertThat(lag).containsOnlyKeys(broker1.address());
        assertThat(lag.get(broker1.address())).isPositive();
        assertThat(admin.replicationLagBytes(new GroupEndpoints(GROUP1, broker1.address(), List.of(broker0.address()))))
                .containsEntry(broker0.address(), 0L);
    }

    @Test
    void backlogIsTheTruthAndTheJudgeBlocksUntilTheConsumerCatchesUp() throws Exception {
        createTopic(broker0, "T", 4);
        createTopic(broker0, "U", 2);
        Map<Integer, Long> firstHalf = sendAll("T", 20);
        Map<Integer, Long> unconsumedTopic = sendAll("U", 10);

        // Consume the first 20, failing every fifth once so that the broker holds a retry topic.
        Set<String> rejected = ConcurrentHashMap.newKeySet();
        AtomicInteger consumed = new AtomicInteger();
        startConsumer(rejected, consumed);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumed.get() >= 20);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            Map<String, TopicBacklog> backlog = byTopic(admin.backlog(endpoints0()));
            assertThat(maxOffsets(backlog.get("T"))).isEqualTo(firstHalf);
            assertThat(backlog.get("T").committed()).containsOnlyKeys(CONSUMER_GROUP);
            assertThat(backlog.get("T").committed().get(CONSUMER_GROUP)).isEqualTo(firstHalf);
            assertThat(stored(backlog.get(RETRY))).isEqualTo(4);
            assertThat(backlog.get(RETRY).committed().get(CONSUMER_GROUP)).isEqualTo(maxOffsets(backlog.get(RETRY)));
        });
        consumer.shutdown();
        consumer = null;

        // The consumer is gone and 20 more arrive: it lags by exactly those.
        Map<Integer, Long> all = sendAll("T", 20);
        Map<String, TopicBacklog> lagging = byTopic(admin.backlog(endpoints0()));
        assertThat(maxOffsets(lagging.get("T"))).isEqualTo(all);
        assertThat(lagging.get("T").committed().get(CONSUMER_GROUP)).isEqualTo(firstHalf);
        assertThat(maxOffsets(lagging.get("U"))).isEqualTo(unconsumedTopic);
        assertThat(lagging.get("U").committed()).isEmpty();
        assertThat(stored(lagging.get("U"))).isEqualTo(10);
        // Group 1 holds nothing of ours.
        assertThat(byTopic(admin.backlog(new GroupEndpoints(GROUP1, broker1.address(), List.of()))))
                .doesNotContainKeys("T", "U", RETRY);

        DrainJudge.Verdict blocked = DrainJudge.judge(List.copyOf(lagging.values()));
        assertThat(blocked.drained()).isFalse();
        assertThat(blocked.unconsumed()).isEqualTo(Map.of("T", 20L));
        assertThat(blocked.unread()).isEqualTo(Map.of("U", 10L));
        assertThat(blocked.reason()).isEqualTo("TopicWithoutConsumer");
        assertThat(blocked.remaining()).isEqualTo(30);

        // The consumer comes back and catches up: only the topic nobody reads still blocks.
        startConsumer(rejected, consumed);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            DrainJudge.Verdict verdict = DrainJudge.judge(admin.backlog(endpoints0()));
            assertThat(verdict.unconsumed()).isEmpty();
            assertThat(verdict.unread()).isEqualTo(Map.of("U", 10L));
            assertThat(verdict.reason()).isEqualTo("TopicWithoutConsumer");
        });
        assertThat(consumed.get()).isGreaterThanOrEqualTo(40);
        consumer.shutdown();
        consumer = null;

        // A consumer group for U that has read everything: the group is drained.
        Map<String, TopicBacklog> caughtUp = byTopic(admin.backlog(endpoints0()));
        commitOffsets(broker0, "U", "CG_U", unconsumedTopic);
        DrainJudge.Verdict drained = DrainJudge.judge(admin.backlog(endpoints0()));
        assertThat(drained.drained()).as("%s", drained.describe(GROUP0)).isTrue();
        assertThat(caughtUp.get("T").committed().get(CONSUMER_GROUP)).isEqualTo(all);
    }

    @Test
    void stoppedWritesHoldAcrossBrokerAndNameServerRestartsUntilRestored() throws Exception {
        createTopic(broker0, "W", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm("W") == 6);
        assertThat(send("W", 0).getSendStatus()).isEqualTo(SendStatus.SEND_OK);

        admin.stopBrokerWrites(broker0.address());
        admin.wipeWritePermission(List.of(nameServer.address()), GROUP0);
        // The producer may still hold the read-write route; the broker itself refuses.
        assertThat(noPermission(catchThrowable(() -> sendToQueue("W", 1)))).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm("W") == 4);

        // Restarted on the same store and port, it keeps refusing and registers read-only.
        int port = broker0.port();
        broker0.close();
        broker0 = startBroker(GROUP0, port);
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm("W") == 4);
        assertThat(noPermission(catchThrowable(() -> sendToQueue("W", 2)))).isTrue();

        // A new NameServer on the same address learns the group from its next registration only:
        // read-only, as the broker's own permission says.
        int nameServerPort = nameServer.port();
        nameServer.close();
        nameServer = startNameServer(nameServerPort);
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> admin.registeredMasters(List.of(nameServer.address()), CLUSTER)
                        .containsAll(Set.of(GROUP0, GROUP1)));
        assertThat(routePerm("W")).isEqualTo(4);
        assertThat(noPermission(catchThrowable(() -> sendToQueue("W", 3)))).isTrue();

        admin.restoreBrokerWrites(broker0.address());
        admin.addWritePermission(List.of(nameServer.address()), GROUP0);
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm("W") == 6);
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> send("W", 4).getSendStatus() == SendStatus.SEND_OK);
    }

    private NameServer startNameServer(int port) throws Exception {
        NameServer started = new NameServer(
                NameServerSettings.forTest(HOST, dir.resolve("namesrv"), Map.of("port", String.valueOf(port))),
                Clock.systemUTC());
        started.start();
        return started;
    }

    /** A master of {@code brokerName} that re-registers every second, so NameServer restarts heal fast. */
    private Broker startBroker(String brokerName, int port) throws Exception {
        Map<String, String> properties =
                new HashMap<>(BrokerSettings.testProperties(HOST, dir.resolve(brokerName), nameServer.address()));
        properties.put("cluster-name", CLUSTER);
        properties.put("broker-name", brokerName);
        properties.put("port", String.valueOf(port));
        properties.put("namesrv-addr", "127.0.0.1:" + nameServer.port());
        properties.put("auto-create-topic", "false");
        properties.put("register-interval", "1s");
        properties.put("offset-persist-interval", "1s");
        BrokerSettings settings = SettingsFactory.load(properties);
        Broker started = Broker.open(settings, Clock.systemUTC(), DefaultMessageStore::open, new SimpleMeterRegistry());
        started.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> started.lastRegistrationMillis() >= 0);
        return started;
    }

    private GroupEndpoints endpoints0() {
        return new GroupEndpoints(GROUP0, broker0.address(), List.of());
    }

    private void createTopic(Broker broker, String topic, int queues) throws Exception {
        call(
                broker.address(),
                RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                        .withExtField("topic", topic)
                        .withExtField("defaultTopic", "TBW102")
                        .withExtField("readQueueNums", Integer.toString(queues))
                        .withExtField("writeQueueNums", Integer.toString(queues))
                        .withExtField("perm", "6")
                        .withExtField("topicFilterType", "SINGLE_TAG")
                        .withExtField("topicSysFlag", "0")
                        .withExtField("order", "false"));
        await().atMost(Duration.ofSeconds(10)).until(() -> routePerm(topic) == 6);
    }

    /** UPDATE_CONSUMER_OFFSET as a consumer sends it, queue by queue. */
    private void commitOffsets(Broker broker, String topic, String group, Map<Integer, Long> offsets) throws Exception {
        for (Map.Entry<Integer, Long> entry : offsets.entrySet()) {
            call(
                    broker.address(),
                    RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                            .withExtField("consumerGroup", group)
                            .withExtField("topic", topic)
                            .withExtField("queueId", Integer.toString(entry.getKey()))
                            .withExtField("commitOffset", Long.toString(entry.getValue())));
        }
    }

    private RemotingCommand call(String address, RemotingCommand request) throws Exception {
        RemotingCommand response = remoting.invokeSync(address, request, 5000);
        assertThat(response.code()).as("%s", response.remark()).isEqualTo(ResponseCode.SUCCESS);
        return response;
    }

    private int routePerm(String topic) throws Exception {
        RemotingCommand response = remoting.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).withExtField("topic", topic),
                5000);
        if (response.code() != ResponseCode.SUCCESS) {
            return -1;
        }
        TopicRouteData route = RemotingJson.mapper().readValue(response.body(), TopicRouteData.class);
        return route.queueDatas().stream()
                .filter(q -> q.brokerName().equals(GROUP0))
                .mapToInt(QueueData::perm)
                .findFirst()
                .orElse(-1);
    }

    private SendResult send(String topic, int seq) throws Exception {
        return producer.send(new Message(topic, "tag", ("body-" + seq).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Past the producer's route, whose read-only queues it would refuse itself: the broker must refuse.
     */
    private SendResult sendToQueue(String topic, int seq) throws Exception {
        return producer.send(
                new Message(topic, "tag", ("body-" + seq).getBytes(StandardCharsets.UTF_8)),
                new MessageQueue(topic, GROUP0, 0));
    }

    /** Sends {@code count} messages; answers the max offset (last queue offset + 1) of each queue. */
    private Map<Integer, Long> sendAll(String topic, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            SendResult result = send(topic, i);
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            sent.merge(topic + ":" + result.getMessageQueue().getQueueId(), result.getQueueOffset() + 1, Math::max);
        }
        Map<Integer, Long> max = new TreeMap<>();
        sent.forEach((key, offset) -> {
            if (key.startsWith(topic + ":")) {
                max.put(Integer.valueOf(key.substring(topic.length() + 1)), offset);
            }
        });
        return max;
    }

    private final Map<String, Long> sent = new ConcurrentHashMap<>();

    private void startConsumer(Set<String> rejected, AtomicInteger consumed) throws Exception {
        consumer = new DefaultMQPushConsumer(CONSUMER_GROUP);
        consumer.setNamesrvAddr(nameServer.address());
        consumer.setInstanceName("real-admin-consumer-" + System.nanoTime());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(500);
        consumer.setPollNameServerInterval(500);
        consumer.subscribe("T", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt message : messages) {
                String body = new String(message.getBody(), StandardCharsets.UTF_8);
                int seq = Integer.parseInt(body.substring("body-".length()));
                if (seq % 5 == 0
                        && message.getReconsumeTimes() == 0
                        && consumed.get() < 20
                        && rejected.add(message.getMsgId())) {
                    return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                }
            }
            consumed.addAndGet(messages.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.start();
    }

    private static Map<String, TopicBacklog> byTopic(List<TopicBacklog> backlog) {
        Map<String, TopicBacklog> byTopic = new TreeMap<>();
        backlog.forEach(topic -> byTopic.put(topic.topic(), topic));
        return byTopic;
    }

    /** Max offset of every queue that was written to. */
    private static Map<Integer, Long> maxOffsets(TopicBacklog topic) {
        Map<Integer, Long> max = new TreeMap<>();
        topic.queues().forEach((queue, range) -> {
            if (range.max() > 0) {
                max.put(queue, range.max());
            }
        });
        return max;
    }

    private static long stored(TopicBacklog topic) {
        return topic.queues().values().stream()
                .mapToLong(TopicBacklog.QueueRange::stored)
                .sum();
    }

    private static boolean noPermission(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof MQBrokerException broker) {
                return broker.getResponseCode() == org.apache.rocketmq.common.protocol.ResponseCode.NO_PERMISSION;
            }
        }
        return false;
    }
}
