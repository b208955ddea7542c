package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A single broker killed with SIGKILL again and again under load, the way an operator's bad day or a node's
 * OOM killer treats it: our packaged broker (ASYNC_MASTER, ASYNC_FLUSH, the defaults) as a process, four
 * official 4.9.8 senders that never stop and a push consumer group that consumes and commits throughout. Each
 * round waits for new acknowledgements, creates a topic and edits a subscription group through mqadmin's API
 * (so that metadata written just before the kill is at stake too), kills the broker and starts it again on
 * the same data. Afterwards:
 * <ul>
 *   <li>every acknowledged message is in the store once, with its body intact, read queue by queue from the
 *   first offset to the last with a pull consumer, and nothing unacknowledged is stored twice (the
 *   producer does not retry);</li>
 *   <li>the group that consumed through the kills received every acknowledged message, with duplicates
 *   limited to what the offsets committed since the last persist can explain, not a replay from zero;</li>
 *   <li>every topic and subscription group edit acknowledged before a kill is still there.</li>
 * </ul>
 */
@Timeout(300)
class BrokerKillLoopTest {

    private static final int ROUNDS = 5;
    private static final int ACKS_PER_ROUND = 400;
    private static final int QUEUES = 4;

    @Test
    void nothingAcknowledgedIsLostAcrossRepeatedKillNine() throws Exception {
        try (KillCluster cluster = KillCluster.start("namesrv-kill-loop")) {
            OurBroker broker = cluster.broker("kill-loop", b -> b.brokerName(OfficialClients.unique("rk-kill-loop")));
            String topic = cluster.startWithTopic(broker, "T_KILL_LOOP", QUEUES);
            DefaultMQAdminExt admin = cluster.admin();

            DefaultMQProducer producer = cluster.startProducer();
            producer.setRetryTimesWhenSendFailed(0);
            producer.setSendMsgTimeout(3_000);
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            List<Thread> senders = startSenders(producer, topic, sending, acknowledged);

            Set<String> consumed = ConcurrentHashMap.newKeySet();
            AtomicInteger deliveries = new AtomicInteger();
            DefaultMQPushConsumer consumer =
                    cluster.consumer("CG_KILL_LOOP", "kill-loop-consumer", topic, (messages, context) -> {
                        for (MessageExt message : messages) {
                            consumed.add(message.getKeys());
                            deliveries.incrementAndGet();
                        }
                        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                    });
            consumer.setPollNameServerInterval(1_000);
            consumer.start();

            List<String> createdTopics = new ArrayList<>();
            Map<String, Integer> editedGroups = new HashMap<>();
            for (int round = 1; round <= ROUNDS; round++) {
                int target = acknowledged.size() + ACKS_PER_ROUND;
                await("round " + round + ": " + target + " acknowledged")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(5))
                        .until(() -> acknowledged.size() >= target);

                String extraTopic = OfficialClients.unique("T_KILL_LOOP_EXTRA");
                admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(extraTopic, 2, 2, 6));
                createdTopics.add(extraTopic);
                SubscriptionGroupConfig group = new SubscriptionGroupConfig();
                group.setGroupName(OfficialClients.unique("CG_KILL_LOOP_EDIT"));
                group.setRetryMaxTimes(round + 2);
                admin.createAndUpdateSubscriptionGroupConfig(broker.address(), group);
                editedGroups.put(group.getGroupName(), group.getRetryMaxTimes());

                broker.process().kill();
                broker.start();
                OfficialClients.awaitBrokerRegistered(admin, broker);
            }
            await("acknowledgements after the last restart")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> acknowledged.size() >= ROUNDS * ACKS_PER_ROUND + 100);
            sending.set(false);
            for (Thread sender : senders) {
                sender.join(30_000);
            }

            Map<String, String> stored = readWholeTopic(cluster.namesrvAddr(), topic);
            assertThat(stored.keySet())
                    .as("every acknowledged message is in the store after %d kills", ROUNDS)
                    .containsAll(acknowledged.keySet());
            acknowledged.forEach((key, body) ->
                    assertThat(stored.get(key)).as("body of %s", key).isEqualTo(body));

            await("the group consuming through the kills got every acknowledged message")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> consumed.containsAll(acknowledged.keySet()));
            int redelivered = deliveries.get() - consumed.size();
            System.out.printf(
                    "kill-loop: %d kills, %d acknowledged, %d stored, %d delivered to the group, %d again%n",
                    ROUNDS, acknowledged.size(), stored.size(), deliveries.get(), redelivered);
            // Offsets committed since the broker's last persist are lost with it; a replay from the first offset
            // after each kill would redeliver about ROUNDS/2 times the topic.
            assertThat(redelivered)
                    .as("redeliveries after %d kills, against %d stored", ROUNDS, stored.size())
                    .isLessThan(stored.size());

            for (String extraTopic : createdTopics) {
                assertThat(admin.examineTopicConfig(broker.address(), extraTopic))
                        .as("topic %s created before a kill", extraTopic)
                        .isNotNull();
            }
            editedGroups.forEach((name, retryMaxTimes) -> {
                SubscriptionGroupConfig config;
                try {
                    config = admin.examineSubscriptionGroupConfig(broker.address(), name);
                } catch (Exception e) {
                    throw new AssertionError("group " + name + " edited before a kill", e);
                }
                assertThat(config.getRetryMaxTimes()).as("group %s", name).isEqualTo(retryMaxTimes);
            });
        }
    }

    /** Senders that go on until {@code sending} is cleared, waiting 20 ms after a failed send (the broker is down). */
    private static List<Thread> startSenders(
            DefaultMQProducer producer, String topic, AtomicBoolean sending, Map<String, String> acknowledged) {
        AtomicInteger next = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(
                    () -> {
                        while (sending.get()) {
                            int i = next.getAndIncrement();
                            String key = "k" + i;
                            String body = key + " " + "x".repeat(i % 211);
                            Message message = new Message(topic, "TagA", key, body.getBytes(StandardCharsets.UTF_8));
                            try {
                                if (producer.send(message).getSendStatus() == SendStatus.SEND_OK) {
                                    acknowledged.put(key, body);
                                }
                            } catch (Exception brokerDown) {
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                            }
                        }
                    },
                    "kill-loop-sender-" + t);
            thread.start();
            senders.add(thread);
        }
        return senders;
    }

    /** Key → body of every message in the topic, each queue read from its first offset to its last. */
    private static Map<String, String> readWholeTopic(String namesrvAddr, String topic) throws Exception {
        DefaultMQPullConsumer reader = new DefaultMQPullConsumer(OfficialClients.unique("CG_KILL_LOOP_READ"));
        reader.setNamesrvAddr(namesrvAddr);
        reader.setInstanceName(OfficialClients.unique("kill-loop-reader"));
        reader.start();
        try {
            Map<String, String> stored = new HashMap<>();
            for (MessageQueue queue : reader.fetchSubscribeMessageQueues(topic)) {
                long end = reader.maxOffset(queue);
                long offset = reader.minOffset(queue);
                while (offset < end) {
                    PullResult result = reader.pull(queue, "*", offset, 32);
                    assertThat(result.getPullStatus())
                            .as("pull %s at %d of %d", queue, offset, end)
                            .isEqualTo(PullStatus.FOUND);
                    for (MessageExt message : result.getMsgFoundList()) {
                        String before =
                                stored.put(message.getKeys(), new String(message.getBody(), StandardCharsets.UTF_8));
                        assertThat(before)
                                .as("%s stored twice", message.getKeys())
                                .isNull();
                    }
                    offset = result.getNextBeginOffset();
                }
            }
            return stored;
        } finally {
            reader.shutdown();
        }
    }
}
