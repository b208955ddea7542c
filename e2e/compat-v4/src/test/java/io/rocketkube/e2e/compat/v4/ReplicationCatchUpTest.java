package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.admin.ConsumeStats;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Catch-up after {@code kill -9} of either side of a master/slave pair, our packaged brokers as processes, the
 * official 4.9.8 client and admin's API reading the state:
 * <ol>
 *   <li>the slave is killed while the master takes sends; restarted on its data, it catches up: its CommitLog
 *   ends where the master's does and both report a lag of 0;</li>
 *   <li>the master is killed with a consumer group half way through the topic; the consumer goes on from the
 *   slave and commits its offsets there; the master is restarted on its data, the slave reconnects (lag 0
 *   again), and the outage's offsets survive: the group's committed offsets on the returned master reach the
 *   end of every queue without the consumer being restarted, and every acknowledged message was consumed.</li>
 * </ol>
 */
@Timeout(300)
class ReplicationCatchUpTest {

    private static final int FIRST_BATCH = 1_500;
    private static final int SECOND_BATCH = 500;

    @Test
    void eachSideRestartedAfterKillNineCatchesUpAndTheOutagesOffsetsSurvive() throws Exception {
        try (KillCluster cluster = KillCluster.start("namesrv-catch-up")) {
            KillCluster.MasterSlave pair = cluster.masterSlave("catch-up", b -> b);
            OurBroker master = pair.master();
            OurBroker slave = pair.slave();
            String topic = cluster.startWithTopic(master, "T_CATCH_UP", 4);
            cluster.startSlave(slave, topic);
            DefaultMQAdminExt admin = cluster.admin();

            // 1. The slave dies under load and comes back.
            DefaultMQProducer producer = cluster.startProducer();
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            List<Thread> senders = startSenders(producer, topic, 0, FIRST_BATCH, acknowledged);
            await("a third acknowledged")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> acknowledged.size() >= FIRST_BATCH / 3);
            slave.process().kill();
            for (Thread sender : senders) {
                sender.join(60_000);
            }
            assertThat(acknowledged)
                    .as("an ASYNC_MASTER acknowledges without its slave")
                    .hasSize(FIRST_BATCH);
            long lagWhileDown = Long.parseLong(runtime(admin, master).getProperty("slaveFallBehindMuch"));
            assertThat(lagWhileDown).as("the master sees the dead slave's lag").isPositive();
            slave.start();
            awaitCaughtUp(admin, master, slave, "after the slave's kill -9");

            // 2. The master dies with a consumer half way; the consumer goes on from the slave.
            Set<String> consumed = ConcurrentHashMap.newKeySet();
            DefaultMQPushConsumer consumer =
                    cluster.consumer("CG_CATCH_UP", "catch-up-consumer", topic, (messages, context) -> {
                        for (MessageExt message : messages) {
                            consumed.add(message.getKeys());
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
            String consumerGroup = consumer.getConsumerGroup();
            consumer.setPollNameServerInterval(1000);
            consumer.setPersistConsumerOffsetInterval(200);
            consumer.start();
            await("the first batch consumed")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> consumed.containsAll(acknowledged));
            long firstCommitted = FIRST_BATCH;
            await("the first batch's offsets committed")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> committed(admin, consumerGroup) == firstCommitted);
            consumer.suspend();
            senders = startSenders(producer, topic, FIRST_BATCH, FIRST_BATCH + SECOND_BATCH, acknowledged);
            for (Thread sender : senders) {
                sender.join(60_000);
            }
            assertThat(acknowledged).hasSize(FIRST_BATCH + SECOND_BATCH);
            awaitCaughtUp(admin, master, slave, "before the master's kill -9");
            master.process().kill();
            consumer.resume();
            await("the second batch consumed from the slave")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> consumed.containsAll(acknowledged));
            long all = FIRST_BATCH + SECOND_BATCH;
            await("the outage's offsets committed on the slave")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> committedOn(admin, slave, topic, consumerGroup) == all);

            master.start();
            awaitCaughtUp(admin, master, slave, "after the master's kill -9");
            await("the returned master holds the outage's offsets")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> committedOn(admin, master, topic, consumerGroup) == all);
            assertThat(committedOn(admin, slave, topic, consumerGroup)).isEqualTo(all);
            assertThat(consumed).containsAll(acknowledged);
        }
    }

    /** Two senders sharing the message numbers {@code [from, end)}; each SEND_OK is recorded. */
    private static List<Thread> startSenders(
            DefaultMQProducer producer, String topic, int from, int end, Set<String> acknowledged) {
        AtomicInteger next = new AtomicInteger(from);
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread thread = new Thread(
                    () -> {
                        for (int i = next.getAndIncrement(); i < end; i = next.getAndIncrement()) {
                            String key = "k" + i;
                            Message message = new Message(topic, "TagA", key, key.getBytes(StandardCharsets.UTF_8));
                            try {
                                if (producer.send(message, 5000).getSendStatus() == SendStatus.SEND_OK) {
                                    acknowledged.add(key);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException("send " + key + " failed", e);
                            }
                        }
                    },
                    "catch-up-sender-" + t);
            thread.start();
            senders.add(thread);
        }
        return senders;
    }

    /** Both ends equal and both sides report no lag. */
    private static void awaitCaughtUp(DefaultMQAdminExt admin, OurBroker master, OurBroker slave, String when) {
        await("the slave caught up " + when)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    Properties m = runtime(admin, master);
                    Properties s = runtime(admin, slave);
                    assertThat(s.getProperty("commitLogMaxOffset")).isEqualTo(m.getProperty("commitLogMaxOffset"));
                    assertThat(m.getProperty("slaveFallBehindMuch")).isEqualTo("0");
                    assertThat(s.getProperty("haReplicationLagBytes")).isEqualTo("0");
                    assertThat(s.getProperty("slaveReady")).isEqualTo("true");
                });
    }

    private static Properties runtime(DefaultMQAdminExt admin, OurBroker broker) throws Exception {
        Properties p = new Properties();
        p.putAll(admin.fetchBrokerRuntimeStats(broker.address()).getTable());
        return p;
    }

    /** The group's committed offsets summed over the topic's queues, as admin's consumerProgress reads them. */
    private static long committed(DefaultMQAdminExt admin, String consumerGroup) throws Exception {
        return admin.examineConsumeStats(consumerGroup).getOffsetTable().values().stream()
                .mapToLong(OffsetWrapper::getConsumerOffset)
                .sum();
    }

    /** The group's committed offsets on one broker, asked of that broker's address directly. */
    private static long committedOn(DefaultMQAdminExt admin, OurBroker broker, String topic, String consumerGroup)
            throws Exception {
        // The admin's own client instance (looked up by its client id), whose API can address one broker.
        ConsumeStats stats = MQClientManager.getInstance()
                .getOrCreateMQClientInstance(admin)
                .getMQClientAPIImpl()
                .getConsumeStats(broker.address(), consumerGroup, topic, 3000);
        return stats.getOffsetTable().values().stream()
                .mapToLong(OffsetWrapper::getConsumerOffset)
                .sum();
    }
}
