package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL92 subscriptions of the unmodified 4.9.8 client against our NameServer and broker: each consumer gets
 * exactly the messages its selector matches (push consumers through the heartbeat's subscription, the lite
 * pull consumer through the selector in every pull), and a selector that does not compile fails the
 * consumer's start through CHECK_CLIENT_CONFIG, as against RocketMQ.
 */
@Timeout(120)
class SqlFilterTest {
    static final String TOPIC = "T_SQL92";
    static final int COUNT = 60;

    @TempDir
    static Path dir;

    static Cluster cluster;
    static DefaultMQProducer producer;
    static final AtomicInteger INSTANCES = new AtomicInteger();
    static final List<AutoCloseable> consumers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir);
        producer = new DefaultMQProducer("PG_SQL");
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName("sql-producer");
        producer.start();
        for (int i = 0; i < COUNT; i++) {
            assertThat(producer.send(message(i)).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : consumers) {
            c.close();
        }
        if (producer != null) {
            producer.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Message i: {@code a} = i % 10, {@code b} cycles x/y/z,
     * {@code c} set on every third, {@code d} cycles p/q/r/s, {@code e} = i % 5, missing on every seventh.
     */
    static Message message(int i) {
        Message m = new Message(TOPIC, "Tag" + (i % 2), ("body-" + i).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty("n", String.valueOf(i));
        m.putUserProperty("a", String.valueOf(i % 10));
        m.putUserProperty("b", String.valueOf("xyz".charAt(i % 3)));
        if (i % 3 == 0) {
            m.putUserProperty("c", "set");
        }
        m.putUserProperty("d", String.valueOf("pqrs".charAt(i % 4)));
        if (i % 7 != 0) {
            m.putUserProperty("e", String.valueOf(i % 5));
        }
        return m;
    }

    static Set<Integer> expected(IntPredicate matches) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < COUNT; i++) {
            if (matches.test(i)) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void pushConsumersGetExactlyTheMessagesTheirSelectorsMatch() throws Exception {
        record Case(String sql, Set<Integer> expected) {}
        List<Case> cases = List.of(
                new Case("a > 5 AND b = 'x'", expected(i -> i % 10 > 5 && i % 3 == 0)),
                new Case("c IS NULL", expected(i -> i % 3 != 0)),
                new Case("d IN ('p','q')", expected(i -> i % 4 < 2)),
                new Case("e BETWEEN 1 AND 3", expected(i -> i % 7 != 0 && i % 5 >= 1 && i % 5 <= 3)),
                new Case("TAGS = 'Tag1' AND n < 10", expected(i -> i % 2 == 1 && i < 10)));
        List<Set<Integer>> received = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            Set<Integer> got = ConcurrentHashMap.newKeySet();
            received.add(got);
            startPush("CG_SQL_" + k, cases.get(k).sql(), got);
        }
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            assertThat(c.expected()).as(c.sql()).isNotEmpty().hasSizeLessThan(COUNT);
            Set<Integer> got = received.get(k);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(got).as(c.sql()).isEqualTo(c.expected()));
        }
        // Nothing else arrives: the sets stay exact while the consumers keep pulling.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (int k = 0; k < cases.size(); k++) {
                assertThat(received.get(k))
                        .as(cases.get(k).sql())
                        .isEqualTo(cases.get(k).expected());
            }
        });
    }

    @Test
    void aLitePullConsumerSendsItsSelectorWithEveryPull() throws Exception {
        DefaultLitePullConsumer lite = new DefaultLitePullConsumer("CG_SQL_LITE");
        lite.setNamesrvAddr(cluster.namesrvAddr());
        lite.setInstanceName("sql-lite-" + INSTANCES.incrementAndGet());
        lite.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        lite.subscribe(TOPIC, MessageSelector.bySql("d IN ('p','q') AND a >= 5"));
        lite.start();
        consumers.add(lite::shutdown);
        Set<Integer> got = ConcurrentHashMap.newKeySet();
        Set<Integer> expected = expected(i -> i % 4 < 2 && i % 10 >= 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (MessageExt m : lite.poll(200)) {
                got.add(Integer.parseInt(m.getUserProperty("n")));
            }
            return got.size() >= expected.size();
        });
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void aSelectorThatDoesNotCompileFailsTheConsumersStart() throws Exception {
        DefaultMQPushConsumer consumer = pushConsumer("CG_SQL_BROKEN");
        consumer.subscribe(TOPIC, MessageSelector.bySql("a > AND b = 'x'"));
        consumer.registerMessageListener(
                (MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        try {
            assertThatThrownBy(consumer::start)
                    .isInstanceOf(MQClientException.class)
                    .hasMessageContaining("Invalid MessageSelector")
                    .satisfies(e -> assertThat(((MQClientException) e).getResponseCode())
                            .isEqualTo(23));
        } finally {
            consumer.shutdown();
        }
        DefaultMQPushConsumer deep = pushConsumer("CG_SQL_DEEP");
        deep.subscribe(TOPIC, MessageSelector.bySql("(".repeat(10_000) + "a = 1" + ")".repeat(10_000)));
        deep.registerMessageListener(
                (MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
        try {
            assertThatThrownBy(deep::start)
                    .isInstanceOf(MQClientException.class)
                    .hasMessageContaining("Invalid MessageSelector");
        } finally {
            deep.shutdown();
        }
    }

    private static DefaultMQPushConsumer pushConsumer(String group) {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName("sql-" + INSTANCES.incrementAndGet());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        return consumer;
    }

    private static void startPush(String group, String sql, Set<Integer> into) throws Exception {
        DefaultMQPushConsumer consumer = pushConsumer(group);
        consumer.subscribe(TOPIC, MessageSelector.bySql(sql));
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                into.add(Integer.parseInt(m.getUserProperty("n")));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        consumers.add(consumer::shutdown);
    }
}
