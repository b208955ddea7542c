package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
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
        try (KillCluster cluster = KillCluster.start("namesrv-tx")) {
            OurBroker broker = cluster.broker(
                    "broker-tx",
                    b -> b.clusterName("RkTxCluster")
                            .brokerName(OfficialClients.unique("rk-tx"))
                            .property("rocketkube.broker.transaction-timeout", "1s")
                            .property("rocketkube.broker.transaction-check-interval", "1s")
                            .property("rocketkube.broker.transaction-check-max", "30"));
            String topic = cluster.startWithTopic(broker, "T_TX_KILL", 2);

            AtomicBoolean decided = new AtomicBoolean();
            Map<Integer, AtomicInteger> checks = new ConcurrentHashMap<>();
            TransactionMQProducer producer =
                    cluster.producer(new TransactionMQProducer(OfficialClients.unique("PG_TX_KILL")), "tx-producer");
            producer.setHeartbeatBrokerInterval(1000);
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
            DefaultMQPushConsumer consumer = cluster.consumer("CG_TX_KILL", "tx-consumer", topic, (msgs, ctx) -> {
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
            await().during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(15))
                    .ignoreExceptions()
                    .until(() -> delivered.size() == 3 && cluster.messagesIn(topic) == 3);
            assertThat(delivered.keySet()).containsExactlyInAnyOrder(0, 2, 4);
        }
    }

    private static int seq(Message m) {
        return Integer.parseInt(m.getUserProperty("seq"));
    }
}
