package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.DelayLevels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retry back-off (docs/protocol.md §5.6) with the official 4.9.8 push consumer: a message the listener
 * answers RECONSUME_LATER comes back through the schedule (level 3 + reconsumeTimes), not at once, and after
 * maxReconsumeTimes it lands in the group's dead-letter topic, where a DLQ consumer reads it intact.
 */
@Timeout(180)
class RetryBackoffTest {
    @TempDir
    Path dir;

    /** A delivery the listener saw: the message and when. */
    record Delivery(MessageExt message, long atMillis) {}

    @Test
    void theFirstRetryComesBackNoEarlierThanTenSecondsLater() throws Exception {
        try (Cluster cluster = new Cluster(dir)) {
            String topic = "T_BACKOFF";
            String group = "CG_BACKOFF";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_BACKOFF", "backoff-producer");
            List<Delivery> deliveries = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer consumer = failingConsumer(cluster, topic, group, 16, deliveries);
            try {
                assertThat(producer.send(Messages.message(topic, 0, "warm")).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
                consumer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> !deliveries.isEmpty());
                awaitRetryQueueAssigned(consumer, group);
                deliveries.clear();

                Message sent = Messages.message(topic, 1, "TagR");
                assertThat(producer.send(sent).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> seq(deliveries, 1).size() >= 2);
                List<Delivery> ones = seq(deliveries, 1);
                Delivery first = ones.get(0);
                Delivery retry = ones.get(1);
                assertThat(first.message().getReconsumeTimes()).isZero();
                assertThat(retry.message().getReconsumeTimes()).isEqualTo(1);
                assertThat(retry.atMillis() - first.atMillis())
                        .as("back-off of the first retry (level 3)")
                        .isBetween(10_000L, 12_000L);
                assertThat(retry.message().getTopic()).isEqualTo(topic);
                assertThat(retry.message().getBody()).isEqualTo(sent.getBody());
                assertThat(retry.message().getProperty(MessageConst.PROPERTY_REAL_TOPIC))
                        .isEqualTo(MixAll.getRetryTopic(group));
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    @Test
    void afterMaxReconsumeTimesTheMessageLandsInTheDeadLetterTopicIntact() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withDelayLevels(DelayLevels.parse("1s 1s 1s 1s 1s 1s")))) {
            String topic = "T_TO_DLQ";
            String group = "CG_TO_DLQ";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_TO_DLQ", "dlq-producer");
            List<Delivery> deliveries = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer consumer = failingConsumer(cluster, topic, group, 2, deliveries);
            DefaultMQPushConsumer dlqConsumer = new DefaultMQPushConsumer("CG_DLQ_READER");
            Map<Integer, MessageExt> dead = new ConcurrentHashMap<>();
            try {
                // Sent first, so that the topic exists when the consumer starts and attempt 0 comes at once.
                Message sent = Messages.message(topic, 7, "TagX");
                assertThat(producer.send(sent).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                consumer.start();
                awaitRetryQueueAssigned(consumer, group);
                // Attempt 0, then retries 1 and 2 (each through the schedule), then the dead-letter topic.
                await().atMost(Duration.ofSeconds(40))
                        .until(() -> seq(deliveries, 7).size() >= 3);
                await().atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .until(() -> !producer.fetchPublishMessageQueues(MixAll.getDLQTopic(group))
                                .isEmpty());

                dlqConsumer.setNamesrvAddr(cluster.namesrvAddr());
                dlqConsumer.setInstanceName("dlq-reader");
                dlqConsumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                dlqConsumer.subscribe(MixAll.getDLQTopic(group), "*");
                dlqConsumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    msgs.forEach(m -> dead.put(Messages.seq(m), m));
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                dlqConsumer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> dead.containsKey(7));
                MessageExt m = dead.get(7);
                assertThat(m.getTopic()).isEqualTo(MixAll.getDLQTopic(group));
                assertThat(m.getBody()).isEqualTo(sent.getBody());
                assertThat(m.getTags()).isEqualTo(sent.getTags());
                assertThat(m.getKeys()).isEqualTo(sent.getKeys());
                assertThat(m.getUserProperty("colour")).isEqualTo(sent.getUserProperty("colour"));
                assertThat(m.getReconsumeTimes()).isEqualTo(3);
                assertThat(m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC)).isEqualTo(topic);
                List<Delivery> attempts = seq(deliveries, 7);
                assertThat(attempts).hasSize(3);
                for (int i = 0; i < attempts.size(); i++) {
                    assertThat(attempts.get(i).message().getReconsumeTimes()).isEqualTo(i);
                }
                // Each retry waited for its level (1 s here) instead of coming back at once.
                assertThat(attempts.get(1).atMillis() - attempts.get(0).atMillis())
                        .isGreaterThanOrEqualTo(1_000L);
                assertThat(attempts.get(2).atMillis() - attempts.get(1).atMillis())
                        .isGreaterThanOrEqualTo(1_000L);
            } finally {
                dlqConsumer.shutdown();
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    /** A consumer that answers RECONSUME_LATER to everything but the warm-up message. */
    private static DefaultMQPushConsumer failingConsumer(
            Cluster cluster, String topic, String group, int maxReconsume, List<Delivery> deliveries) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-consumer");
        consumer.setPollNameServerInterval(1_000);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setMaxReconsumeTimes(maxReconsume);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            boolean warm = false;
            for (MessageExt m : msgs) {
                deliveries.add(new Delivery(m, now));
                warm |= "warm".equals(m.getTags());
            }
            return warm ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS : ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        return consumer;
    }

    /**
     * Waits until the consumer pulls its group's retry queue, so that a retry's arrival time is the broker's
     * delay alone. The broker makes the retry topic at the first heartbeat, after the client's first route
     * fetch; the client then learns it at its next route poll (shortened to 1 s in {@link #failingConsumer})
     * and assigns it at its next rebalance, which the 4.9.8 client runs every 20 s: up to about 25 s here.
     */
    private static void awaitRetryQueueAssigned(DefaultMQPushConsumer consumer, String group) {
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        consumer
                                .getDefaultMQPushConsumerImpl()
                                .getRebalanceImpl()
                                .getProcessQueueTable()
                                .keySet()
                                .stream()
                                .anyMatch(q -> q.getTopic().equals(MixAll.getRetryTopic(group))));
    }

    private static List<Delivery> seq(List<Delivery> deliveries, int seq) {
        return deliveries.stream().filter(d -> Messages.seq(d.message()) == seq).toList();
    }
}
