package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing acknowledged is lost when a SYNC_MASTER dies: our packaged master and slave as processes, the official
 * 4.9.8 producer sending up to 10,000 messages and recording every SEND_OK, the master killed with SIGKILL once
 * half of them are acknowledged, then a push consumer of a new group reading the topic from the slave alone. A
 * checker finds every acknowledged message among those consumed (duplicates allowed, loss not).
 */
@Timeout(240)
class SyncMasterKillTest {

    private static final int MESSAGES = 10_000;
    private static final int KILL_AT = MESSAGES / 2;

    @Test
    void everyAcknowledgedSendSurvivesKillNineOfTheMaster() throws Exception {
        try (KillCluster cluster = KillCluster.start("namesrv-sync-kill")) {
            KillCluster.MasterSlave pair =
                    cluster.masterSlave("sync-kill", b -> b.property("rocketkube.broker.role", "SYNC_MASTER"));
            OurBroker master = pair.master();
            OurBroker slave = pair.slave();
            String topic = cluster.startWithTopic(master, "T_SYNC_KILL", 4);
            cluster.startSlave(slave, topic);

            DefaultMQProducer producer = cluster.startProducer();
            producer.setRetryTimesWhenSendFailed(0);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            // Four senders keep sends in flight, so the kill lands between a store and its acknowledgement.
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(
                        () -> {
                            for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                                String key = "k" + i;
                                Message message = new Message(topic, "TagA", key, key.getBytes(StandardCharsets.UTF_8));
                                try {
                                    if (producer.send(message, 3000).getSendStatus() == SendStatus.SEND_OK) {
                                        acknowledged.add(key);
                                    }
                                } catch (Exception refusedOrDead) {
                                    if (!master.process().isAlive()) {
                                        return; // the only master is gone: nothing more can be acknowledged
                                    }
                                }
                            }
                        },
                        "sender-" + t);
                thread.start();
                senders.add(thread);
            }
            await("half of the sends acknowledged")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> acknowledged.size() >= KILL_AT);
            master.process().kill();
            for (Thread thread : senders) {
                thread.join(30_000);
            }
            int attempted = Math.min(next.get(), MESSAGES);
            assertThat(master.process().isAlive()).as("the master was killed").isFalse();
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AT);

            Set<String> consumed = ConcurrentHashMap.newKeySet();
            AtomicInteger deliveries = new AtomicInteger();
            DefaultMQPushConsumer consumer =
                    cluster.consumer("CG_SYNC_KILL", "sync-kill-consumer", topic, (messages, context) -> {
                        for (MessageExt message : messages) {
                            consumed.add(message.getKeys());
                            deliveries.incrementAndGet();
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
            consumer.start();
            await("every acknowledged message read from the slave")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> consumed.containsAll(acknowledged));
            System.out.printf(
                    "sync-kill: %d attempted, %d acknowledged, %d delivered from the slave%n",
                    attempted, acknowledged.size(), deliveries.get());
        }
    }
}
