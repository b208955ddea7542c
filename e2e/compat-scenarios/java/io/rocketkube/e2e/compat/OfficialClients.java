package io.rocketkube.e2e.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.BrokerNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The official client and admin API as the tests use them, compiled into compat-v4 (4.9.8) and
 * compat-v5 (5.3.3): only calls both lines spell alike, and no class whose package moved between
 * them ({@link ClientLine} has those). Every client gets an instance name of its own: clients in
 * one JVM with the same name share one MQClientInstance (and so the NameServer list of whichever
 * started first).
 */
public final class OfficialClients {

    /**
     * How long a registration or a route may take to reach a NameServer. A broker sends its registration (with
     * its topics) as it starts and when a topic changes, then on a timer (Apache 4.9: 10 s after start, then
     * every 30 s); one lost on a loaded machine is only repaired by the next, so the wait covers two of them.
     */
    public static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(45);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private OfficialClients() {}

    public static String unique(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    public static DefaultMQAdminExt startAdmin(String namesrvAddr) throws MQClientException {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName(unique("admin"));
        admin.setAdminExtGroup(unique("admin_group"));
        admin.start();
        return admin;
    }

    public static DefaultMQProducer startProducer(String namesrvAddr) throws MQClientException {
        DefaultMQProducer producer = new DefaultMQProducer(unique("pg"));
        producer.setNamesrvAddr(namesrvAddr);
        producer.setInstanceName(unique("producer"));
        producer.setSendMsgTimeout(10_000);
        producer.start();
        return producer;
    }

    /**
     * Waits until the NameServer lists the broker in its cluster with its master address; on timeout the
     * failure says what the NameServer listed and how the broker fared.
     */
    public static void awaitBrokerRegistered(DefaultMQAdminExt admin, BrokerNode broker) {
        AtomicReference<Object> lastSeen = new AtomicReference<>("nothing yet");
        try {
            await("broker " + broker + " registered")
                    .atMost(ROUTE_TIMEOUT)
                    .ignoreExceptions()
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        var table = admin.examineBrokerClusterInfo().getBrokerAddrTable();
                        lastSeen.set(table);
                        var brokerData = table.get(broker.brokerName());
                        return brokerData != null
                                && broker.address()
                                        .equals(brokerData.getBrokerAddrs().get(0L));
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    e.getMessage() + "\nNameServer " + admin.getNamesrvAddr() + " last listed: " + lastSeen.get()
                            + "\nbroker process alive: " + broker.process().isAlive()
                            + "\nbroker log tail:\n" + broker.process().logTail(30),
                    e);
        }
    }

    /** Creates the topic on the broker (UPDATE_AND_CREATE_TOPIC) and waits for its route. */
    public static void createTopic(DefaultMQAdminExt admin, BrokerNode broker, String topic, int queues)
            throws Exception {
        TopicConfig config = new TopicConfig(topic, queues, queues, 6);
        admin.createAndUpdateTopicConfig(broker.address(), config);
        awaitRoute(admin, topic);
    }

    /**
     * Waits until the topic has queues in its route; read the route with
     * {@code admin.examineTopicRouteInfo} afterwards (its class is in a different package per line).
     */
    public static void awaitRoute(DefaultMQAdminExt admin, String topic) {
        await("route of " + topic)
                .atMost(ROUTE_TIMEOUT)
                .ignoreExceptions()
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !admin.examineTopicRouteInfo(topic).getQueueDatas().isEmpty());
    }

    /** The message the tests send as number {@code i}: key, tag and a body of varying length. */
    public static Message message(String topic, int i) {
        String body = "rocketkube e2e " + topic + " #" + i + " " + "x".repeat(i % 97) + " ü€";
        return new Message(topic, "tag" + (i % 4), "key-" + i, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code count} messages synchronously; returns key → expected (tag, body). */
    public static Map<String, Received> sendAll(DefaultMQProducer producer, String topic, int count) throws Exception {
        Map<String, Received> expected = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            Message message = message(topic, i);
            SendResult result = producer.send(message);
            assertThat(result.getSendStatus()).as("send #%d", i).isEqualTo(SendStatus.SEND_OK);
            expected.put(
                    message.getKeys(),
                    new Received(message.getTags(), new String(message.getBody(), StandardCharsets.UTF_8)));
        }
        return expected;
    }

    /** What a consumer saw of one message. */
    public record Received(String tags, String body) {
        static Received of(MessageExt message) {
            return new Received(message.getTags(), new String(message.getBody(), StandardCharsets.UTF_8));
        }
    }

    /**
     * Consumes the topic from the first offset with a clustering push consumer until {@code expected}
     * keys arrived, and checks every delivery (duplicates included) against what was sent.
     */
    public static void consumeExactly(String namesrvAddr, String topic, Map<String, Received> expected)
            throws Exception {
        Map<String, Received> received = new ConcurrentHashMap<>();
        Map<String, Received> mismatched = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(unique("cg"));
        consumer.setNamesrvAddr(namesrvAddr);
        consumer.setInstanceName(unique("consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt message : messages) {
                Received got = Received.of(message);
                Received before = received.putIfAbsent(message.getKeys(), got);
                if (!got.equals(expected.get(message.getKeys())) || (before != null && !before.equals(got))) {
                    mismatched.put(message.getKeys(), got);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            await("consumed " + expected.size() + " messages of " + topic)
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> received.size() >= expected.size());
            assertThat(mismatched)
                    .as("deliveries that differ from what was sent")
                    .isEmpty();
            assertThat(received).isEqualTo(expected);
        } finally {
            consumer.shutdown();
        }
    }
}
