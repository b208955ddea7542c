package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
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
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
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
        NameServerNode namesrv = NamesrvKind.OURS.start("namesrv-sync-kill");
        String group = OfficialClients.unique("rk-sync-kill");
        OurBroker master = OurBroker.builder("sync-kill-master")
                .brokerName(group)
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.role", "SYNC_MASTER")
                .build();
        OurBroker slave = OurBroker.builder("sync-kill-slave")
                .brokerName(group)
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.broker-id", "1")
                .property("rocketkube.broker.slave-sync-interval", "1s")
                .build();
        DefaultMQAdminExt admin = null;
        DefaultMQProducer producer = null;
        DefaultMQPushConsumer consumer = null;
        try {
            master.start();
            admin = OfficialClients.startAdmin(namesrv.address());
            OfficialClients.awaitBrokerRegistered(admin, master);
            String topic = OfficialClients.unique("T_SYNC_KILL");
            OfficialClients.createTopic(admin, master, topic, 4);
            slave.start();
            DefaultMQAdminExt slaveAdmin = admin;
            await("the slave knows " + topic)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> slaveAdmin.examineTopicConfig(slave.address(), topic) != null);

            producer = OfficialClients.startProducer(namesrv.address());
            producer.setRetryTimesWhenSendFailed(0);
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger next = new AtomicInteger();
            DefaultMQProducer sender = producer;
            // Four senders keep sends in flight, so the kill lands between a store and its acknowledgement.
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(
                        () -> {
                            for (int i = next.getAndIncrement(); i < MESSAGES; i = next.getAndIncrement()) {
                                String key = "k" + i;
                                Message message = new Message(topic, "TagA", key, key.getBytes(StandardCharsets.UTF_8));
                                try {
                                    if (sender.send(message, 3000).getSendStatus() == SendStatus.SEND_OK) {
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
            consumer = new DefaultMQPushConsumer(OfficialClients.unique("CG_SYNC_KILL"));
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName(OfficialClients.unique("sync-kill-consumer"));
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
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
            slave.stop();
            master.stop();
            namesrv.stop();
        }
    }
}
