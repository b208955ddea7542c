package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.it.DelayLevelDeliveryTest.Arrival;
import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.KVTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 5.x timer messages (docs/scheduled-delivery.md) against our NameServer and broker, sent by the official
 * 4.9.8 client with the timer properties set as the 5.x client sets them: each arrives in its real topic and
 * queue no earlier than its time and within the precision after it (plus a margin for a loaded machine);
 * pending timers survive a restart and arrive once; bad input is refused as RocketMQ 5 refuses it, with
 * nothing stored.
 */
@Timeout(120)
class TimerMessageTest {
    /** Scheduling, the consumer's long poll and a busy 2-core machine, on top of the precision. */
    private static final long MARGIN_MILLIS = 500;

    private static final long PRECISION = 500;

    @TempDir
    Path dir;

    @Test
    void timersArriveNoEarlierThanTheirTimeAndWithinThePrecision() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withTimer(new TimerSettings(true, PRECISION, 3600)))) {
            String topic = "T_TIMER";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_TIMER", "timer-producer");
            Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer =
                    DelayLevelDeliveryTest.subscribedConsumer(cluster, producer, topic, "CG_TIMER", arrivals);
            try {
                long[] due = new long[3];
                SendResult[] results = new SendResult[3];
                MessageQueue queue =
                        new MessageQueue(topic, cluster.broker().settings().brokerName(), 2);
                for (int i = 0; i < 3; i++) {
                    Message m = Messages.message(topic, i, "TagT");
                    long now = System.currentTimeMillis();
                    switch (i) {
                        case 0 -> {
                            due[i] = now + 7_000;
                            MessageAccessor.putProperty(m, "TIMER_DELIVER_MS", String.valueOf(due[i]));
                        }
                        case 1 -> {
                            due[i] = now + 3_000;
                            MessageAccessor.putProperty(m, "TIMER_DELAY_SEC", "3");
                        }
                        default -> {
                            due[i] = now + 4_321;
                            MessageAccessor.putProperty(m, "TIMER_DELAY_MS", "4321");
                        }
                    }
                    results[i] = producer.send(m, queue);
                    assertThat(results[i].getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                    assertThat(results[i].getMessageQueue().getQueueId()).isEqualTo(2);
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> arrivals.keySet().containsAll(java.util.List.of("0", "1", "2")));
                for (int i = 0; i < 3; i++) {
                    Arrival a = arrivals.get(String.valueOf(i));
                    assertThat(a.atMillis() - due[i])
                            .as("timer %d lateness", i)
                            .isBetween(0L, PRECISION + MARGIN_MILLIS);
                    MessageExt m = a.message();
                    assertThat(m.getTopic()).isEqualTo(topic);
                    assertThat(m.getQueueId()).isEqualTo(2);
                    assertThat(m.getBody())
                            .isEqualTo(Messages.message(topic, i, "TagT").getBody());
                    assertThat(m.getTags()).isEqualTo("TagT");
                    assertThat(m.getUserProperty("colour")).isEqualTo(i % 2 == 0 ? "red" : "blue");
                    assertThat(m.getMsgId()).isEqualTo(results[i].getMsgId());
                    assertThat(m.getProperty("REAL_TOPIC")).isEqualTo(topic);
                    assertThat(Long.parseLong(m.getProperty("TIMER_OUT_MS"))).isBetween(due[i] - 200, due[i] + 200);
                    // The broker's own stamps, free of the consumer's latency: taken out no earlier than due.
                    assertThat(Long.parseLong(m.getProperty("TIMER_DEQUEUE_MS")))
                            .as("timer %d dequeued", i)
                            .isBetween(
                                    Long.parseLong(m.getProperty("TIMER_OUT_MS")),
                                    Long.parseLong(m.getProperty("TIMER_OUT_MS")) + PRECISION + MARGIN_MILLIS);
                    assertThat(m.getProperty("TIMER_ENQUEUE_MS")).isNotNull();
                }
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    @Test
    void pendingTimersSurviveARestartAndArriveOnceOnTime() throws Exception {
        try (Cluster cluster = new Cluster(dir)) {
            String topic = "T_TIMER_RESTART";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_TR", "tr-producer");
            Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
            Map<Integer, Long> firstAt = new ConcurrentHashMap<>();
            long[] due = new long[10];
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("CG_TR");
            try {
                for (int i = 0; i < 10; i++) {
                    Message m = Messages.message(topic, i, "TagR");
                    due[i] = System.currentTimeMillis() + 4_000 + i * 300;
                    MessageAccessor.putProperty(m, "TIMER_DELIVER_MS", String.valueOf(due[i]));
                    assertThat(producer.send(m).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                }
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> "10".equals(runtimeInfo(cluster).get("timerPendingNum")));
                cluster.restartBroker();
                consumer.setNamesrvAddr(cluster.namesrvAddr());
                consumer.setInstanceName("tr-consumer");
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    long now = System.currentTimeMillis();
                    for (MessageExt m : msgs) {
                        counts.computeIfAbsent(Messages.seq(m), k -> new AtomicInteger())
                                .incrementAndGet();
                        firstAt.putIfAbsent(Messages.seq(m), now);
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                await().atMost(Duration.ofSeconds(40)).until(() -> counts.size() == 10);
                for (int i = 0; i < 10; i++) {
                    assertThat(firstAt.get(i)).as("timer %d not early", i).isGreaterThanOrEqualTo(due[i]);
                }
                Map<String, String> info = runtimeInfo(cluster);
                assertThat(info)
                        .containsEntry("timerPendingNum", "0")
                        .containsEntry("timerOffsetBehind", "0")
                        .containsKeys("timerReadBehind", "timerCongestNum", "timerEnqueueTps", "timerDequeueTps");
                assertThat(totalMessages(cluster, topic))
                        .as("none delivered twice across the restart")
                        .isEqualTo(10);
                assertThat(counts.values()).allMatch(c -> c.get() == 1);
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    /**
     * RocketMQ 5's timer cancel: a marker with TIMER_DEL_UNIQKEY and the same delivery time suppresses the timer
     * it names, in either key form ({@code <topic>+<uniqKey>} up to 5.3, the bare uniqKey in 5.5) and whichever
     * of the two was sent first; the markers themselves never reach the topic; all of it survives a restart.
     */
    @Test
    void aCancelMarkerSuppressesItsTimerAcrossARestart() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withTimer(new TimerSettings(true, PRECISION, 3600)))) {
            String topic = "T_TIMER_CANCEL";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_TC", "tc-producer");
            Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = null;
            try {
                long due = System.currentTimeMillis() + 6_000;
                Message first = timer(topic, 0, due);
                String firstKey = producer.send(first).getMsgId();
                // The second is cancelled before it is sent: the client keeps a UNIQ_KEY already set.
                Message second = timer(topic, 1, due);
                MessageClientIDSetter.setUniqID(second);
                String secondKey = MessageClientIDSetter.getUniqID(second);
                Message cancelSecond = timer(topic, 11, due);
                MessageAccessor.putProperty(cancelSecond, "TIMER_DEL_UNIQKEY", secondKey);
                assertThat(producer.send(cancelSecond).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                assertThat(producer.send(second).getMsgId()).isEqualTo(secondKey);
                Message cancelFirst = timer(topic, 10, due);
                MessageAccessor.putProperty(cancelFirst, "TIMER_DEL_UNIQKEY", topic + "+" + firstKey);
                assertThat(producer.send(cancelFirst).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                assertThat(producer.send(timer(topic, 2, due)).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> "5".equals(runtimeInfo(cluster).get("timerPendingNum")));

                cluster.restartBroker();

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> "0".equals(runtimeInfo(cluster).get("timerPendingNum")));
                assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(due);
                assertThat(totalMessages(cluster, topic))
                        .as("only the timer no marker named was delivered")
                        .isEqualTo(1);
                consumer = new DefaultMQPushConsumer("CG_TC");
                consumer.setNamesrvAddr(cluster.namesrvAddr());
                consumer.setInstanceName("tc-consumer");
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        arrivals.putIfAbsent(m.getUserProperty(Messages.SEQ), new Arrival(m, 0));
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.containsKey("2"));
                assertThat(arrivals.keySet()).containsExactly("2");
            } finally {
                if (consumer != null) {
                    consumer.shutdown();
                }
                producer.shutdown();
            }
        }
    }

    private static Message timer(String topic, int seq, long deliverMs) {
        Message m = Messages.message(topic, seq, "TagC");
        MessageAccessor.putProperty(m, "TIMER_DELIVER_MS", String.valueOf(deliverMs));
        return m;
    }

    @Test
    void badTimerInputIsRefusedAsRocketMq5DoesWithNothingStored() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withTimer(new TimerSettings(true, 1000, 60)));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            String topic = "T_TIMER_BAD";
            createTopic(client, cluster, topic);

            long now = System.currentTimeMillis();
            for (String bad : new String[] {
                "TIMER_DELIVER_MS\u0001" + (now + 61_000),
                "TIMER_DELAY_SEC\u000161",
                "TIMER_DELAY_MS\u000161000",
                "TIMER_DELAY_SEC\u0001soon",
                "TIMER_DELIVER_MS\u0001 ",
                "TIMER_DELAY_SEC\u00019223372036854775807"
            }) {
                RemotingCommand r = send(client, cluster, topic, bad);
                assertThat(r.code()).as(bad).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
                assertThat(r.remark())
                        .as(bad)
                        .startsWith("timer message illegal, the delay time should not be bigger"
                                + " than the max delay 60000ms");
            }
            assertThat(maxOffset(client, cluster, topic)).isZero();
            assertThat(maxOffset(client, cluster, "rmq_sys_wheel_timer")).isZero();

            // In the past: stored as it is, delivered at once (RocketMQ 5 does the same).
            RemotingCommand past = send(client, cluster, topic, "TIMER_DELIVER_MS\u0001" + (now - 10_000));
            assertThat(past.code()).isEqualTo(ResponseCode.SUCCESS);
            await().atMost(Duration.ofSeconds(5)).until(() -> maxOffset(client, cluster, topic) == 1);
            // Within the maximum: put aside in the timer topic, the answer names the queue asked for.
            RemotingCommand ok = send(client, cluster, topic, "TIMER_DELAY_SEC\u000159");
            assertThat(ok.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(ok.extField("queueId")).isEqualTo("0");
            await().atMost(Duration.ofSeconds(5)).until(() -> maxOffset(client, cluster, "rmq_sys_wheel_timer") == 1);
            assertThat(maxOffset(client, cluster, topic)).isEqualTo(1);

            RemotingCommand pull = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.PULL_MESSAGE)
                            .withExtFields(Map.of(
                                    "consumerGroup",
                                    "CG_PEEK",
                                    "topic",
                                    "rmq_sys_wheel_timer",
                                    "queueId",
                                    "0",
                                    "queueOffset",
                                    "0",
                                    "maxMsgNums",
                                    "32",
                                    "sysFlag",
                                    "0",
                                    "commitOffset",
                                    "0",
                                    "suspendTimeoutMillis",
                                    "0",
                                    "subVersion",
                                    "0")),
                    5000);
            assertThat(pull.code()).isEqualTo(ResponseCode.NO_PERMISSION);
            RemotingCommand direct = send(client, cluster, "rmq_sys_wheel_timer", "TAGS\u0001A");
            assertThat(direct.code()).isEqualTo(ResponseCode.NO_PERMISSION);
        }
    }

    /**
     * RocketMQ 5.3's recall, in raw frames (the 5.3.3 client's own use is in e2e/compat-v5): a timed send is
     * answered with a handle, RECALL_MESSAGE with it keeps that timer from being delivered and not the other, and
     * every bad recall is refused with RocketMQ's code and remark, carrying the request's opaque.
     */
    @Test
    void aRecallHandleCancelsItsTimerAndBadRecallsAreRefused() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withTimer(new TimerSettings(true, 1000, 60)));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            String topic = "T_TIMER_RECALL";
            createTopic(client, cluster, topic);
            createTopic(client, cluster, "T_TIMER_RECALL_OTHER");
            String recalledKey = "7F00000100002A9F0000000000000001";
            RemotingCommand recalled =
                    send(client, cluster, topic, "UNIQ_KEY\u0001" + recalledKey + "\u0002TIMER_DELAY_SEC\u00013");
            RemotingCommand kept = send(
                    client,
                    cluster,
                    topic,
                    "UNIQ_KEY\u00017F00000100002A9F0000000000000002\u0002TIMER_DELAY_SEC\u00013");
            assertThat(recalled.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(kept.code()).isEqualTo(ResponseCode.SUCCESS);
            String handle = recalled.extField("recallHandle");
            String[] fields = new String(Base64.getUrlDecoder().decode(handle), StandardCharsets.UTF_8).split(" ");
            assertThat(fields).hasSize(5);
            assertThat(fields[0]).isEqualTo("v1");
            assertThat(fields[1]).isEqualTo(topic);
            assertThat(fields[2]).isEqualTo(cluster.broker().settings().brokerName());
            assertThat(fields[4]).isEqualTo(recalledKey);
            long deliverMs = Long.parseLong(fields[3]);
            // A send that is not timed gets no handle.
            assertThat(send(client, cluster, topic, "UNIQ_KEY\u00017F00000100002A9F0000000000000003")
                            .extField("recallHandle"))
                    .isNull();

            // The CommitLog answers the send; its ConsumeQueue follows a moment later (on a loaded machine more).
            await().atMost(Duration.ofSeconds(10)).until(() -> maxOffset(client, cluster, "rmq_sys_wheel_timer") == 2);

            Map<String, String> refused = new LinkedHashMap<>();
            refused.put(topic + "|not-base64!", "604|recall handle is invalid");
            refused.put(
                    topic + "|" + encodedHandle("v2", topic, "b", deliverMs, recalledKey),
                    "604|recall handle is invalid");
            refused.put("T_TIMER_RECALL_OTHER|" + handle, "604|recall failed, topic not match");
            refused.put(
                    topic + "|" + encodedHandle("v1", topic, "another-broker", deliverMs, recalledKey),
                    "604|recall failed, broker service not available");
            refused.put(
                    topic + "|" + encodedHandle("v1", topic, fields[2], System.currentTimeMillis() - 1, recalledKey),
                    "604|recall failed, timestamp invalid");
            refused.put(
                    "T_TIMER_RECALL_NOWHERE|" + handle,
                    "17|recall failed, the topic[T_TIMER_RECALL_NOWHERE] not exist");
            for (Map.Entry<String, String> r : refused.entrySet()) {
                String[] request = r.getKey().split("\\|", 2);
                String[] expected = r.getValue().split("\\|", 2);
                RemotingCommand recall = recall(request[0], request[1]);
                RemotingCommand answer = client.invokeSync(cluster.brokerAddr(), recall, 5000);
                assertThat(answer.opaque()).isEqualTo(recall.opaque());
                assertThat(answer.code()).as(r.getKey()).isEqualTo(Integer.parseInt(expected[0]));
                assertThat(answer.remark()).as(r.getKey()).isEqualTo(expected[1]);
            }
            // A plain send after the refusals, dispatched: anything they stored is dispatched before it.
            assertThat(send(client, cluster, "T_TIMER_RECALL_OTHER", "UNIQ_KEY\u00017F00000100002A9F0000000000000009")
                            .code())
                    .isEqualTo(ResponseCode.SUCCESS);
            await().atMost(Duration.ofSeconds(10)).until(() -> maxOffset(client, cluster, "T_TIMER_RECALL_OTHER") == 1);
            assertThat(maxOffset(client, cluster, "rmq_sys_wheel_timer"))
                    .as("nothing stored by a refusal")
                    .isEqualTo(2);

            RemotingCommand ok = client.invokeSync(cluster.brokerAddr(), recall(topic, handle), 5000);
            assertThat(ok.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(ok.extField("msgId")).isEqualTo(recalledKey);
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> System.currentTimeMillis() > deliverMs + 1_000
                            && "0".equals(runtimeInfo(cluster).get("timerPendingNum")));
            assertThat(maxOffset(client, cluster, topic))
                    .as("only the timer not recalled, and the plain send")
                    .isEqualTo(2);
        }
    }

    private static String encodedHandle(String version, String topic, String broker, long deliverMs, String key) {
        String raw = String.join(" ", version, topic, broker, Long.toString(deliverMs), key);
        return Base64.getUrlEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static RemotingCommand recall(String topic, String handle) {
        return RemotingCommand.request(RequestCode.RECALL_MESSAGE)
                .withExtFields(Map.of("producerGroup", "PG_RECALL", "topic", topic, "recallHandle", handle));
    }

    @Test
    void timersDisabledAreRefusedWithRocketMqsAnswer() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withTimer(new TimerSettings(false, 1000, 60, false)));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand r = send(client, cluster, "T_TIMER_OFF", "TIMER_DELAY_SEC\u00015");
            assertThat(r.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(r.remark()).isEqualTo("accurate timer message is not enabled, timerWheelEnable is false");
            RemotingCommand recall = client.invokeSync(
                    cluster.brokerAddr(), recall("T_TIMER_OFF", encodedHandle("v1", "T_TIMER_OFF", "b", 1, "k")), 5000);
            assertThat(recall.code()).isEqualTo(ResponseCode.NO_PERMISSION);
            assertThat(recall.remark()).isEqualTo("recall failed, operation is forbidden");
        }
    }

    private static void createTopic(RemotingClient client, Cluster cluster, String topic) throws Exception {
        RemotingCommand create = RawRequests.createTopic(topic, 1);
        assertThat(client.invokeSync(cluster.brokerAddr(), create, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    private static RemotingCommand send(RemotingClient client, Cluster cluster, String topic, String properties)
            throws Exception {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_BAD");
        h.put("b", topic);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", properties);
        return client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                        .withExtFields(h)
                        .withBody(new byte[] {1}),
                5000);
    }

    private static long maxOffset(RemotingClient client, Cluster cluster, String topic) throws Exception {
        RemotingCommand r = client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                        .withExtFields(Map.of("topic", topic, "queueId", "0")),
                5000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return Long.parseLong(r.extField("offset"));
    }

    private static Map<String, String> runtimeInfo(Cluster cluster) throws Exception {
        DefaultMQAdminExt admin = admin(cluster);
        try {
            KVTable runtime = admin.fetchBrokerRuntimeStats(cluster.brokerAddr());
            return runtime.getTable();
        } finally {
            admin.shutdown();
        }
    }

    private static long totalMessages(Cluster cluster, String topic) throws Exception {
        DefaultMQAdminExt admin = admin(cluster);
        try {
            return admin.examineTopicStats(topic).getOffsetTable().values().stream()
                    .mapToLong(o -> o.getMaxOffset() - o.getMinOffset())
                    .sum();
        } finally {
            admin.shutdown();
        }
    }

    private static DefaultMQAdminExt admin(Cluster cluster) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("timer-admin-" + System.nanoTime());
        admin.start();
        return admin;
    }
}
