package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.remoting.protocol.admin.TopicOffset;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22 with the official 5.3.3 TransactionMQProducer against our packaged NameServer and broker: commit,
 * rollback, unknown settled by the check-back, a producer that never answers discarded after
 * {@code transaction-check-max} checks, the 5.x {@code TRANSACTION_CHECK_TIMES} /
 * {@code CHECK_IMMUNITY_TIME_IN_SECONDS} properties, and halves left open across a broker restart. The check-back
 * runs every second on halves older than one second, so the whole class takes well under a minute.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OurBrokerTransactionV5Test {
    private static final int CHECK_MAX = 6;
    private static final String SEQ = "seq";

    private NameServerNode namesrv;
    private OurBroker broker;
    private DefaultMQAdminExt admin;

    @BeforeAll
    void start() throws Exception {
        namesrv = NamesrvKind.OURS.start("namesrv");
        broker = OurBroker.builder("our-broker")
                .clusterName("RkE2eCluster")
                .brokerName(unique("rk-tx5"))
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.transaction-timeout", "1s")
                .property("rocketkube.broker.transaction-check-interval", "1s")
                .property("rocketkube.broker.transaction-check-max", String.valueOf(CHECK_MAX))
                .build();
        broker.start();
        admin = OfficialClients.startAdmin(namesrv.address());
        awaitBrokerRegistered(admin, broker);
    }

    @AfterAll
    void stop() {
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

    /** What the producer's listener saw of one transaction's check-backs. */
    private static final class Checks {
        final Map<Integer, AtomicInteger> count = new ConcurrentHashMap<>();
        final Map<Integer, Long> firstAtMillis = new ConcurrentHashMap<>();

        void record(int seq) {
            firstAtMillis.putIfAbsent(seq, System.currentTimeMillis());
            count.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
        }

        int of(int seq) {
            AtomicInteger n = count.get(seq);
            return n == null ? 0 : n.get();
        }
    }

    @Test
    void commitRollbackAndCheckBackOutcomesAreApplied() throws Exception {
        String topic = unique("T_TX5");
        createTopic(admin, broker, topic, 2);
        // 0, 3, 6 commit; 1, 4, 7 roll back; 2, 5, 8 stay unknown and are settled by the check: 2 and 8 commit.
        Checks checks = new Checks();
        TransactionMQProducer producer = producer(
                seq -> switch (seq % 3) {
                    case 0 -> LocalTransactionState.COMMIT_MESSAGE;
                    case 1 -> LocalTransactionState.ROLLBACK_MESSAGE;
                    default -> LocalTransactionState.UNKNOW;
                },
                seq -> seq == 5 ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.COMMIT_MESSAGE,
                checks);
        Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = consumer(topic, delivered);
        try {
            for (int i = 0; i < 9; i++) {
                assertThat(producer.sendMessageInTransaction(message(topic, i, Map.of()), null)
                                .getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 5);
            // Several check rounds later: nothing more is delivered and settled halves are never checked.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> delivered.size() == 5 && checks.count.size() == 3);
            assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 3, 6, 8);
            assertThat(delivered.values()).allMatch(n -> n.get() == 1);
            assertThat(checks.count.keySet()).containsExactlyInAnyOrder(2, 5, 8);
            assertThat(checks.count.values()).allMatch(n -> n.get() == 1);
            assertThat(messagesIn(topic)).isEqualTo(5);
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    @Test
    void silentProducersAreDiscardedAfterTheConfiguredChecksAndTheFiveXPropertiesAreHonoured() throws Exception {
        String topic = unique("T_TX5_SILENT");
        createTopic(admin, broker, topic, 2);
        long discardedBefore = discarded();
        Checks checks = new Checks();
        // 0 and 1 never get an answer; 2 is committed by its first check, which its immunity holds back 4 s.
        TransactionMQProducer producer = producer(
                seq -> LocalTransactionState.UNKNOW,
                seq -> seq == 2 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW,
                checks);
        Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = consumer(topic, delivered);
        try {
            long sentAt = System.currentTimeMillis();
            // Already checked CHECK_MAX - 1 times by someone's count: one more check, then discarded. Sent first, so
            // no younger half ahead of it in the half queue holds its check back.
            producer.sendMessageInTransaction(
                    message(topic, 1, Map.of("TRANSACTION_CHECK_TIMES", String.valueOf(CHECK_MAX - 1))), null);
            producer.sendMessageInTransaction(message(topic, 0, Map.of()), null);
            producer.sendMessageInTransaction(message(topic, 2, Map.of("CHECK_IMMUNITY_TIME_IN_SECONDS", "4")), null);

            await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> discarded() - discardedBefore == 2);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> checks.of(0) == CHECK_MAX && checks.of(1) == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered.containsKey(2));
            assertThat(checks.of(2)).isEqualTo(1);
            assertThat(checks.firstAtMillis.get(2) - sentAt)
                    .as("first check of the immune half, ms after its send")
                    .isGreaterThanOrEqualTo(4000);
            assertThat(checks.firstAtMillis.get(1) - sentAt)
                    .as("a preset check count does not skip the timeout")
                    .isGreaterThanOrEqualTo(1000);
            assertThat(checks.firstAtMillis.get(0))
                    .as("the immunity is the half's own")
                    .isLessThan(checks.firstAtMillis.get(2));
            assertThat(delivered.keySet()).containsExactly(2);
            assertThat(messagesIn(topic)).isEqualTo(1);
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    @Test
    void halvesOpenAcrossARestartAreCheckedAndSettledOnce() throws Exception {
        String topic = unique("T_TX5_RESTART");
        createTopic(admin, broker, topic, 2);
        AtomicBoolean decided = new AtomicBoolean();
        Checks checks = new Checks();
        TransactionMQProducer producer = producer(
                seq -> seq == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW,
                seq -> !decided.get()
                        ? LocalTransactionState.UNKNOW
                        : seq % 2 == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE,
                checks);
        Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = consumer(topic, delivered);
        try {
            for (int i = 0; i < 5; i++) {
                assertThat(producer.sendMessageInTransaction(message(topic, i, Map.of()), null)
                                .getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered.containsKey(0));
            // Every open half checked once: their chains have check-back copies in the half queue at the stop.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> List.of(1, 2, 3, 4).stream().allMatch(s -> checks.of(s) >= 1));
            broker.stop();
            decided.set(true);
            broker.start();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> delivered.keySet().containsAll(List.of(0, 2, 4)));
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .until(() -> delivered.size() == 3 && messagesIn(topic) == 3);
            // Written once: the topic holds exactly the three commits (a consumer may see message 0 again, its offset
            // commit may not have reached the broker before the stop; that is the consumer's at-least-once).
            assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 4);
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
    }

    private static Message message(String topic, int seq, Map<String, String> properties) {
        Message m = new Message(topic, "TagTx", "tx-" + seq, ("tx-" + seq).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty(SEQ, Integer.toString(seq));
        properties.forEach(m::putUserProperty);
        return m;
    }

    private static int seq(Message m) {
        return Integer.parseInt(m.getUserProperty(SEQ));
    }

    private TransactionMQProducer producer(
            IntFunction<LocalTransactionState> local, IntFunction<LocalTransactionState> check, Checks checks)
            throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer(unique("PG_TX5"));
        producer.setNamesrvAddr(namesrv.address());
        producer.setInstanceName(unique("tx-producer"));
        // Re-register quickly after the restart: check-backs go to producers the broker knows by heartbeat.
        producer.setHeartbeatBrokerInterval(1000);
        producer.setSendMsgTimeout(10_000);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return local.apply(seq(msg));
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                checks.record(seq(msg));
                return check.apply(seq(msg));
            }
        });
        producer.start();
        return producer;
    }

    private DefaultMQPushConsumer consumer(String topic, Map<Integer, AtomicInteger> delivered) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(unique("CG_TX5"));
        consumer.setNamesrvAddr(namesrv.address());
        consumer.setInstanceName(unique("tx-consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        // The client raises its subscription version on each rebalance and announces it in a heartbeat that it
        // skips when another heartbeat holds its lock (seen: the one sent on connect). Until its next heartbeat
        // the broker answers the pulls SUBSCRIPTION_NOT_LATEST, as Apache's does; at the default 30 s that gap
        // outlasts the waits here.
        consumer.setHeartbeatBrokerInterval(1000);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m ->
                    delivered.computeIfAbsent(seq(m), k -> new AtomicInteger()).incrementAndGet());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    /** Messages ever written to a topic of our broker (the sum of its queues' max offsets). */
    private long messagesIn(String topic) throws Exception {
        return admin.examineTopicStats(broker.address(), topic).getOffsetTable().values().stream()
                .mapToLong(TopicOffset::getMaxOffset)
                .sum();
    }

    /** Halves discarded so far; the topic only exists after the first discard. */
    private long discarded() {
        try {
            return messagesIn("TRANS_CHECK_MAX_TIME_TOPIC");
        } catch (Exception e) {
            return 0;
        }
    }
}
