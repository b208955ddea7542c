package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.TransactionSettings;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.TopicOffset;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactional messages with the official 4.9.8 TransactionMQProducer against our NameServer and broker: commit,
 * rollback, check-back, discard after the configured checks and its resume by the tools, and open halves across a
 * broker restart. Check-back
 * settings are short (1 s timeout, 1 s interval).
 */
@Timeout(120)
class TransactionTest {
    private static final String DISCARD_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC";
    private static final TransactionSettings FAST =
            new TransactionSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), 3);

    @TempDir
    Path dir;

    @Test
    void committedHalvesAreDeliveredOnceAndRolledBackOnesNever() throws Exception {
        String topic = "T_TX_COMMIT";
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(FAST))) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-1");
            createTopic(admin, cluster, topic);
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_COMMIT",
                    seq -> seq % 2 == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE,
                    seq -> LocalTransactionState.UNKNOW,
                    checks);
            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = consumer(cluster, "CG_TX_COMMIT", topic, delivered);
            try {
                for (int i = 0; i < 20; i++) {
                    TransactionSendResult sent = producer.sendMessageInTransaction(message(topic, i), null);
                    assertThat(sent.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                    assertThat(sent.getLocalTransactionState())
                            .isEqualTo(
                                    i % 2 == 0
                                            ? LocalTransactionState.COMMIT_MESSAGE
                                            : LocalTransactionState.ROLLBACK_MESSAGE);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 10);
                // Past several check rounds: settled halves are never checked, rolled-back ones never appear.
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> delivered.size() == 10 && checks.isEmpty());
                assertThat(delivered.keySet())
                        .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 20)
                                .filter(i -> i % 2 == 0)
                                .boxed()
                                .toList());
                assertThat(delivered.values()).allMatch(n -> n.get() == 1);
                assertThat(messagesIn(admin, topic)).isEqualTo(10);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void anUnknownOutcomeIsCheckedBackAndTheAnswerApplied() throws Exception {
        String topic = "T_TX_CHECK";
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(FAST))) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-2");
            createTopic(admin, cluster, topic);
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_CHECK",
                    seq -> LocalTransactionState.UNKNOW,
                    seq -> seq % 2 == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE,
                    checks);
            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = consumer(cluster, "CG_TX_CHECK", topic, delivered);
            try {
                for (int i = 0; i < 6; i++) {
                    assertThat(producer.sendMessageInTransaction(message(topic, i), null)
                                    .getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
                assertThat(delivered).isEmpty();
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered.size() == 3);
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> delivered.size() == 3);
                assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 4);
                assertThat(delivered.values()).allMatch(n -> n.get() == 1);
                // Each half was checked exactly once: the answer settled it.
                assertThat(checks.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
                assertThat(checks.values()).allMatch(n -> n.get() == 1);
                assertThat(messagesIn(admin, topic)).isEqualTo(3);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void aProducerThatNeverAnswersHasItsHalfDiscardedAfterTheConfiguredChecks() throws Exception {
        String topic = "T_TX_DISCARD";
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(FAST))) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-3");
            createTopic(admin, cluster, topic);
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_DISCARD",
                    seq -> LocalTransactionState.UNKNOW,
                    seq -> LocalTransactionState.UNKNOW,
                    checks);
            try {
                assertThat(producer.sendMessageInTransaction(message(topic, 7), null)
                                .getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> messagesIn(admin, DISCARD_TOPIC) == 1);
                // Three checks (transaction-check-max), then nothing more.
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> checks.get(7).get() == FAST.checkMax());
                assertThat(messagesIn(admin, topic)).isZero();
            } finally {
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void aDiscardedHalfIsPutBackOnceAndItsProducerAskedAgain() throws Exception {
        String topic = "T_TX_RESUME";
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(FAST))) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-resume");
            createTopic(admin, cluster, topic);
            AtomicBoolean decided = new AtomicBoolean();
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_RESUME",
                    seq -> LocalTransactionState.UNKNOW,
                    seq -> decided.get() ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW,
                    checks);
            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = consumer(cluster, "CG_TX_RESUME", topic, delivered);
            try {
                TransactionSendResult sent = producer.sendMessageInTransaction(message(topic, 9), null);
                await().atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> messagesIn(admin, DISCARD_TOPIC) == 1);
                await().atMost(Duration.ofSeconds(10)).until(() -> checks.get(9).get() == FAST.checkMax());
                SendResult ordinary = producer.send(message(topic, 10));
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsKey(10));
                decided.set(true);

                // What a user has is the transaction's msgId; the tools find the discarded record by it.
                assertThat(admin.resumeCheckHalfMessage(DISCARD_TOPIC, sent.getMsgId()))
                        .isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsKey(9));
                assertThat(checks.get(9).get()).as("asked once more").isEqualTo(FAST.checkMax() + 1);

                // The discarded record again, and an ordinary message: both refused, nothing put back.
                MessageClientExt discarded = (MessageClientExt) admin.viewMessage(DISCARD_TOPIC, sent.getMsgId());
                assertThat(admin.resumeCheckHalfMessage(discarded.getOffsetMsgId()))
                        .isFalse();
                assertThat(admin.resumeCheckHalfMessage(ordinary.getOffsetMsgId()))
                        .isFalse();
                try (RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
                    Map<String, String> refusals = Map.of(
                            discarded.getOffsetMsgId(),
                            "already put back",
                            ordinary.getOffsetMsgId(),
                            "not a half discarded",
                            "not-an-id",
                            "no message stored here",
                            "",
                            "msgId is required");
                    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
                        RemotingCommand resume = RemotingCommand.request(RequestCode.RESUME_CHECK_HALF_MESSAGE)
                                .withExtField("msgId", refusal.getKey());
                        RemotingCommand answer = raw.invokeSync(cluster.brokerAddr(), resume, 5000);
                        assertThat(answer.opaque()).isEqualTo(resume.opaque());
                        assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                        assertThat(answer.remark()).contains(refusal.getValue());
                    }
                }
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() ->
                                delivered.get(9).get() == 1 && checks.get(9).get() == FAST.checkMax() + 1);
                assertThat(messagesIn(admin, topic)).isEqualTo(2);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void openHalvesAreCheckedAndSettledAfterARestartAndACommitIsDeliveredOnce() throws Exception {
        String topic = "T_TX_RESTART";
        // A long timeout: nothing is checked before the restart.
        TransactionSettings slow = new TransactionSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), 5);
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(slow))) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-4");
            createTopic(admin, cluster, topic);
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_RESTART",
                    seq -> seq == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW,
                    seq -> seq % 2 == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE,
                    checks);
            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = consumer(cluster, "CG_TX_RESTART", topic, delivered);
            try {
                for (int i = 0; i < 6; i++) {
                    assertThat(producer.sendMessageInTransaction(message(topic, i), null)
                                    .getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 1);
                cluster.restartBroker();
                await().atMost(Duration.ofSeconds(40)).until(() -> delivered.size() == 3);
                await().during(Duration.ofSeconds(4))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> delivered.size() == 3);
                assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 4);
                assertThat(delivered.values()).allMatch(n -> n.get() == 1);
                assertThat(checks.keySet()).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
                assertThat(messagesIn(admin, topic)).isEqualTo(3);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    @Test
    void aCommitThatCrossesACheckBackIsWrittenOnceAndTheCheckAnswerIsRefused() throws Exception {
        String topic = "T_TX_CROSS";
        try (Cluster cluster = new Cluster(dir, s -> s.withTransaction(FAST));
                RemotingClient raw = new RemotingClient(RemotingClientConfig.defaults())) {
            DefaultMQAdminExt admin = admin(cluster, "tx-admin-5");
            createTopic(admin, cluster, topic);
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            Map<Integer, MessageExt> checked = new ConcurrentHashMap<>();
            TransactionMQProducer producer = producer(
                    cluster,
                    "PG_TX_CROSS",
                    seq -> LocalTransactionState.UNKNOW,
                    seq -> LocalTransactionState.UNKNOW,
                    checks,
                    checked);
            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = consumer(cluster, "CG_TX_CROSS", topic, delivered);
            try {
                // The half's offset msgId, as the client's own END_TRANSACTION decodes it (TransactionSendResult drops
                // it).
                Map<String, String> offsetMsgIds = new ConcurrentHashMap<>();
                producer.getDefaultMQProducerImpl()
                        .registerSendMessageHook(new org.apache.rocketmq.client.hook.SendMessageHook() {
                            @Override
                            public String hookName() {
                                return "offset-msg-id";
                            }

                            @Override
                            public void sendMessageBefore(org.apache.rocketmq.client.hook.SendMessageContext context) {}

                            @Override
                            public void sendMessageAfter(org.apache.rocketmq.client.hook.SendMessageContext context) {
                                if (context.getSendResult() != null) {
                                    offsetMsgIds.put(
                                            "half", context.getSendResult().getOffsetMsgId());
                                }
                            }
                        });
                TransactionSendResult sent = producer.sendMessageInTransaction(message(topic, 1), null);
                await().atMost(Duration.ofSeconds(20)).until(() -> checked.containsKey(1));
                MessageExt copy = checked.get(1);
                assertThat(copy.getQueueOffset())
                        .as("the check names the re-appended copy")
                        .isGreaterThan(sent.getQueueOffset());
                // The producer's own (late) commit of the original half, then the answer to the check.
                long original = io.rocketkube.client.message.OffsetMsgId.decode(offsetMsgIds.get("half"))
                        .physicalOffset();
                RemotingCommand first = raw.invokeSync(
                        cluster.brokerAddr(), endTransaction("PG_TX_CROSS", sent.getQueueOffset(), original), 5000);
                assertThat(first.code()).isEqualTo(0);
                RemotingCommand second = raw.invokeSync(
                        cluster.brokerAddr(),
                        endTransaction("PG_TX_CROSS", copy.getQueueOffset(), copy.getCommitLogOffset()),
                        5000);
                assertThat(second.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                assertThat(second.remark()).contains("already committed");
                await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 1);
                int checksSoFar = checks.get(1).get();
                await().during(Duration.ofSeconds(3))
                        .atMost(Duration.ofSeconds(10))
                        .until(() ->
                                delivered.get(1).get() == 1 && checks.get(1).get() == checksSoFar);
                assertThat(messagesIn(admin, topic)).isEqualTo(1);
            } finally {
                consumer.shutdown();
                producer.shutdown();
                admin.shutdown();
            }
        }
    }

    static RemotingCommand endTransaction(String group, long queueOffset, long commitLogOffset) {
        return RemotingCommand.request(RequestCode.END_TRANSACTION)
                .withExtFields(Map.of(
                        "producerGroup",
                        group,
                        "tranStateTableOffset",
                        String.valueOf(queueOffset),
                        "commitLogOffset",
                        String.valueOf(commitLogOffset),
                        "commitOrRollback",
                        "8",
                        "fromTransactionCheck",
                        "true",
                        "msgId",
                        "x"));
    }

    static Message message(String topic, int seq) {
        Message m = new Message(topic, "TagTx", "tx-" + seq, ("tx-body-" + seq).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty(Messages.SEQ, String.valueOf(seq));
        return m;
    }

    static TransactionMQProducer producer(
            Cluster cluster,
            String group,
            Function<Integer, LocalTransactionState> local,
            Function<Integer, LocalTransactionState> check,
            Map<Integer, AtomicInteger> checks)
            throws Exception {
        return producer(cluster, group, local, check, checks, new ConcurrentHashMap<>());
    }

    static TransactionMQProducer producer(
            Cluster cluster,
            String group,
            Function<Integer, LocalTransactionState> local,
            Function<Integer, LocalTransactionState> check,
            Map<Integer, AtomicInteger> checks,
            Map<Integer, MessageExt> checked)
            throws Exception {
        TransactionMQProducer producer = new TransactionMQProducer(group);
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName(group + "-instance");
        // Re-register quickly after a broker restart: check-backs go to producers known by heartbeat.
        producer.setHeartbeatBrokerInterval(1000);
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return local.apply(Integer.parseInt(msg.getUserProperty(Messages.SEQ)));
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                int seq = Integer.parseInt(msg.getUserProperty(Messages.SEQ));
                checked.putIfAbsent(seq, msg);
                checks.computeIfAbsent(seq, k -> new AtomicInteger()).incrementAndGet();
                return check.apply(seq);
            }
        });
        producer.start();
        return producer;
    }

    static DefaultMQPushConsumer consumer(
            Cluster cluster, String group, String topic, Map<Integer, AtomicInteger> delivered) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-instance");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                assertThat(m.getTopic()).isEqualTo(topic);
                delivered
                        .computeIfAbsent(Messages.seq(m), k -> new AtomicInteger())
                        .incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }

    static DefaultMQAdminExt admin(Cluster cluster, String instance) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName(instance);
        admin.start();
        return admin;
    }

    static void createTopic(DefaultMQAdminExt admin, Cluster cluster, String topic) throws Exception {
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
        cluster.broker().registerNow();
    }

    /** Messages ever written to a topic (the sum of its queues' max offsets). */
    static long messagesIn(DefaultMQAdminExt admin, String topic) throws Exception {
        Map<?, TopicOffset> table = admin.examineTopicStats(topic).getOffsetTable();
        return table.values().stream().mapToLong(TopicOffset::getMaxOffset).sum();
    }

    static List<Integer> seqs(int from, int to) {
        return java.util.stream.IntStream.range(from, to).boxed().toList();
    }
}
