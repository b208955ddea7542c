package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21 with the official 5.3.3 client against our packaged NameServer and broker: a timer message sent
 * with {@code setDeliverTimeMs(now + 7 s)} (and the relative forms) arrives no earlier than its time and
 * within the broker's precision (1 s, the default) after it; a timer beyond the maximum delay is refused
 * with RocketMQ 5's MESSAGE_ILLEGAL; delay levels 2 and 3 arrive no earlier than 5 s and 10 s and within
 * 1 s after; a timer recalled with its handle never arrives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OurBrokerTimerV5Test {
    private static final long PRECISION_MILLIS = 1_000;
    /** Scheduling, the consumer's long poll and a busy 2-core machine. */
    private static final long MARGIN_MILLIS = 500;

    private NameServerNode namesrv;
    private BrokerNode broker;
    private DefaultMQAdminExt admin;
    private DefaultMQProducer producer;

    @BeforeAll
    void start() throws Exception {
        namesrv = NamesrvKind.OURS.start("namesrv");
        broker = OurBroker.builder("our-broker")
                .clusterName("RkE2eCluster")
                .brokerName(unique("rk-timer"))
                .namesrvAddrs(namesrv.address())
                .build();
        broker.start();
        admin = OfficialClients.startAdmin(namesrv.address());
        awaitBrokerRegistered(admin, broker);
        producer = OfficialClients.startProducer(namesrv.address());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
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

    record Arrival(MessageExt message, long atMillis) {}

    @Test
    void timerMessagesArriveNoEarlierThanTheirTimeAndWithinThePrecision() throws Exception {
        String topic = unique("RkTimerTopic");
        createTopic(admin, broker, topic, 4);
        Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = warmConsumer(topic, arrivals);
        try {
            long now = System.currentTimeMillis();
            Message at = message(topic, "deliver");
            at.setDeliverTimeMs(now + 7_000);
            Message sec = message(topic, "delaySec");
            sec.setDelayTimeSec(4);
            Message ms = message(topic, "delayMs");
            ms.setDelayTimeMs(5_500);
            Map<String, Long> due = Map.of(
                    "deliver",
                    now + 7_000,
                    "delaySec",
                    System.currentTimeMillis() + 4_000,
                    "delayMs",
                    System.currentTimeMillis() + 5_500);
            Map<String, SendResult> sent = new ConcurrentHashMap<>();
            for (Message m : new Message[] {at, sec, ms}) {
                SendResult r = producer.send(m);
                assertThat(r.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                sent.put(m.getKeys(), r);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.keySet().containsAll(due.keySet()));
            for (Map.Entry<String, Long> e : due.entrySet()) {
                Arrival a = arrivals.get(e.getKey());
                // The relative forms are timed from the broker's receipt, a few ms after our clock read.
                long lateness = a.atMillis() - e.getValue();
                assertThat(lateness).as("%s lateness", e.getKey()).isBetween(-50L, PRECISION_MILLIS + MARGIN_MILLIS);
                if (e.getKey().equals("deliver")) {
                    assertThat(lateness).as("absolute time never early").isNotNegative();
                }
                // The broker's own stamps, free of the consumer's latency: taken out no earlier than due.
                long out = Long.parseLong(a.message().getProperty("TIMER_OUT_MS"));
                assertThat(Long.parseLong(a.message().getProperty("TIMER_DEQUEUE_MS")))
                        .as("%s dequeued", e.getKey())
                        .isBetween(out, out + PRECISION_MILLIS + MARGIN_MILLIS);
                assertThat(a.message().getTopic()).isEqualTo(topic);
                assertThat(a.message().getMsgId())
                        .isEqualTo(sent.get(e.getKey()).getMsgId());
                assertThat(a.message().getQueueId())
                        .isEqualTo(sent.get(e.getKey()).getMessageQueue().getQueueId());
                assertThat(new String(a.message().getBody(), StandardCharsets.UTF_8))
                        .isEqualTo("body " + e.getKey());
            }
        } finally {
            consumer.shutdown();
        }
    }

    /**
     * RocketMQ 5.3's recall: the send of a timer is answered with a handle, {@code recallMessage} with it keeps that
     * timer from ever arriving while the other one sent beside it arrives, and a handle used for another topic is
     * refused by the broker with ILLEGAL_OPERATION.
     */
    @Test
    void aRecalledTimerNeverArrives() throws Exception {
        String topic = unique("RkTimerRecall");
        String other = unique("RkTimerRecallOther");
        createTopic(admin, broker, topic, 4);
        createTopic(admin, broker, other, 4);
        Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = warmConsumer(topic, arrivals);
        try {
            long due = System.currentTimeMillis() + 4_000;
            Message recalled = message(topic, "recalled");
            recalled.setDeliverTimeMs(due);
            Message kept = message(topic, "kept");
            kept.setDeliverTimeMs(due);
            SendResult recalledSent = producer.send(recalled);
            assertThat(producer.send(kept).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            assertThat(recalledSent.getRecallHandle()).isNotBlank();

            assertThatThrownBy(() -> producer.recallMessage(other, recalledSent.getRecallHandle()))
                    .isInstanceOfSatisfying(MQBrokerException.class, e -> {
                        assertThat(e.getResponseCode()).isEqualTo(ResponseCode.ILLEGAL_OPERATION);
                        assertThat(e.getErrorMessage()).contains("topic not match");
                    });
            assertThat(producer.recallMessage(topic, recalledSent.getRecallHandle()))
                    .isEqualTo(recalledSent.getMsgId());

            await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.containsKey("kept"));
            // Past the recalled timer's tick and a consumer round trip: it never came.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> System.currentTimeMillis() > due + PRECISION_MILLIS + 2_000);
            assertThat(arrivals).doesNotContainKey("recalled");
        } finally {
            consumer.shutdown();
        }
    }

    @Test
    void aTimerBeyondTheMaximumDelayIsRefused() throws Exception {
        String topic = unique("RkTimerBad");
        createTopic(admin, broker, topic, 4);
        Message far = message(topic, "far");
        far.setDeliverTimeMs(System.currentTimeMillis() + 4L * 24 * 3600 * 1000);
        try {
            producer.send(far);
            throw new AssertionError("a timer 4 days ahead was accepted");
        } catch (MQBrokerException e) {
            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
            assertThat(e.getErrorMessage()).contains("timer message illegal");
        }
    }

    @Test
    void delayLevelsTwoAndThreeArriveOnTime() throws Exception {
        String topic = unique("RkDelayTopic");
        createTopic(admin, broker, topic, 4);
        Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = warmConsumer(topic, arrivals);
        try {
            Map<String, Long> sentAt = new ConcurrentHashMap<>();
            for (int level = 2; level <= 3; level++) {
                Message m = message(topic, "level" + level);
                m.setDelayTimeLevel(level);
                sentAt.put(m.getKeys(), System.currentTimeMillis());
                assertThat(producer.send(m).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.keySet().containsAll(sentAt.keySet()));
            assertThat(arrivals.get("level2").atMillis() - sentAt.get("level2")).isBetween(5_000L, 6_000L);
            assertThat(arrivals.get("level3").atMillis() - sentAt.get("level3")).isBetween(10_000L, 11_000L);
        } finally {
            consumer.shutdown();
        }
    }

    private static Message message(String topic, String key) {
        return new Message(topic, "timer", key, ("body " + key).getBytes(StandardCharsets.UTF_8));
    }

    /** A consumer that has received a plain message on every queue, so its rebalance cannot delay an arrival. */
    private DefaultMQPushConsumer warmConsumer(String topic, Map<String, Arrival> arrivals) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(unique("cg"));
        consumer.setNamesrvAddr(namesrv.address());
        consumer.setInstanceName(unique("consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            for (MessageExt m : msgs) {
                arrivals.putIfAbsent(m.getKeys(), new Arrival(m, now));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        for (int q = 0; q < 4; q++) {
            producer.send(
                    message(topic, "warm" + q),
                    new org.apache.rocketmq.common.message.MessageQueue(topic, broker.brokerName(), q));
        }
        consumer.start();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> arrivals.keySet().containsAll(java.util.List.of("warm0", "warm1", "warm2", "warm3")));
        return consumer;
    }
}
