package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our packaged broker killed with SIGKILL while transactions are open, some of them already checked back (so
 * their chains have copies in the half queue), then started again on the same store: the open halves are checked
 * and settled after the restart, each commit is written to its topic exactly once, each rollback never. Official 4.9.8
 * TransactionMQProducer and push consumer.
 */
@Timeout(180)
class TransactionKillTest {

    @Test
    void openTransactionsSurviveKillNineAndSettleOnce() throws Exception {
        NameServerNode namesrv = NamesrvKind.OURS.start("namesrv-tx");
        OurBroker broker = OurBroker.builder("broker-tx")
                .clusterName("RkTxCluster")
                .brokerName(OfficialClients.unique("rk-tx"))
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.transaction-timeout", "1s")
                .property("rocketkube.broker.transaction-check-interval", "1s")
                .property("rocketkube.broker.transaction-check-max", "30")
                .build();
        DefaultMQAdminExt admin = null;
        TransactionMQProducer producer = null;
        DefaultMQPushConsumer consumer = null;
        try {
            broker.start();
            admin = OfficialClients.startAdmin(namesrv.address());
            OfficialClients.awaitBrokerRegistered(admin, broker);
            String topic = OfficialClients.unique("T_TX_KILL");
            OfficialClients.createTopic(admin, broker, topic, 2);

            AtomicBoolean decided = new AtomicBoolean();
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            producer = new TransactionMQProducer(OfficialClients.unique("PG_TX_KILL"));
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName(OfficialClients.unique("tx-producer"));
            producer.setHeartbeatBrokerInterval(1000);
            producer.setSendMsgTimeout(10_000);
            producer.setTransactionListener(new TransactionListener() {
                @Override
                public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                    return seq(msg) == 0 ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.UNKNOW;
                }

                @Override
                public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                    checks.computeIfAbsent(seq(msg), k -> new AtomicInteger()).incrementAndGet();
                    if (!decided.get()) {
                        return LocalTransactionState.UNKNOW;
                    }
                    return seq(msg) % 2 == 0
                            ? LocalTransactionState.COMMIT_MESSAGE
                            : LocalTransactionState.ROLLBACK_MESSAGE;
                }
            });
            producer.start();

            Map<Integer, AtomicInteger> delivered = new ConcurrentHashMap<>();
            consumer = new DefaultMQPushConsumer(OfficialClients.unique("CG_TX_KILL"));
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName(OfficialClients.unique("tx-consumer"));
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> delivered
                        .computeIfAbsent(seq(m), k -> new AtomicInteger())
                        .incrementAndGet());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();

            for (int i = 0; i < 6; i++) {
                Message m = new Message(topic, "TagTx", "tx-" + i, ("tx-" + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("seq", Integer.toString(i));
                assertThat(producer.sendMessageInTransaction(m, null).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> delivered.containsKey(0));
            // Every open half checked back at least twice: chains with copies in the half queue at the kill.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> checks.size() == 5 && checks.values().stream().allMatch(n -> n.get() >= 2));

            broker.process().kill();
            decided.set(true);
            broker.start();

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> delivered.keySet().containsAll(java.util.List.of(0, 2, 4)));
            // Written once: the topic holds exactly the three commits (a consumer may see a message again after a
            // kill, since its last offsets died with the broker; that is the consumer's at-least-once, not ours).
            DefaultMQAdminExt stats = admin;
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .until(() -> delivered.size() == 3 && messagesIn(stats, topic) == 3);
            assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 4);
        } finally {
            if (consumer != null) {
                consumer.shutdown();
            }
            if (producer != null) {
                producer.shutdown();
            }
            if (admin != null) {
                admin.shutdown();
            }
            broker.stop();
            namesrv.stop();
        }
    }

    private static long messagesIn(DefaultMQAdminExt admin, String topic) throws Exception {
        return admin.examineTopicStats(topic).getOffsetTable().values().stream()
                .mapToLong(org.apache.rocketmq.common.admin.TopicOffset::getMaxOffset)
                .sum();
    }

    private static int seq(Message m) {
        return Integer.parseInt(m.getUserProperty("seq"));
    }
}
