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
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delay levels with the official 4.9.8 client (docs/protocol.md §5.7): a message sent with a level
 * arrives in its real topic no earlier than the level's delay after it was sent and within a second after
 * that, with REAL_TOPIC/REAL_QID set and DELAY cleared, on the queue it was sent to.
 */
@Timeout(120)
class DelayLevelDeliveryTest {
    @TempDir
    Path dir;

    /** What the consumer saw: the message and when it arrived. */
    record Arrival(MessageExt message, long atMillis) {}

    @Test
    void levelsTwoAndThreeOfTheDefaultTableArriveOnTime() throws Exception {
        try (Cluster cluster = new Cluster(dir)) {
            String topic = "T_DELAY_DEFAULT";
            DefaultMQProducer producer = producer(cluster, "PG_DELAY", "delay-producer");
            Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = subscribedConsumer(cluster, producer, topic, "CG_DELAY", arrivals);
            try {
                long[] sentAt = new long[4];
                SendResult[] results = new SendResult[4];
                for (int level = 2; level <= 3; level++) {
                    Message m = Messages.message(topic, level, "TagD");
                    m.setDelayTimeLevel(level);
                    MessageQueue queue =
                            new MessageQueue(topic, cluster.broker().settings().brokerName(), 1);
                    sentAt[level] = System.currentTimeMillis();
                    results[level] = producer.send(m, queue);
                    assertThat(results[level].getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                    assertThat(results[level].getMessageQueue().getQueueId()).isEqualTo(1);
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> arrivals.containsKey("2") && arrivals.containsKey("3"));
                for (int level = 2; level <= 3; level++) {
                    long delay = level == 2 ? 5_000 : 10_000;
                    Arrival a = arrivals.get(String.valueOf(level));
                    assertThat(a.atMillis() - sentAt[level])
                            .as("level %d delay", level)
                            .isBetween(delay, delay + 1_000);
                    MessageExt m = a.message();
                    assertThat(m.getTopic()).isEqualTo(topic);
                    assertThat(m.getQueueId()).isEqualTo(1);
                    assertThat(m.getProperty(MessageConst.PROPERTY_REAL_TOPIC)).isEqualTo(topic);
                    assertThat(m.getProperty(MessageConst.PROPERTY_REAL_QUEUE_ID))
                            .isEqualTo("1");
                    assertThat(m.getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL))
                            .isNull();
                    assertThat(m.getBody())
                            .isEqualTo(Messages.message(topic, level, "TagD").getBody());
                    assertThat(m.getTags()).isEqualTo("TagD");
                    assertThat(m.getKeys())
                            .isEqualTo(Messages.message(topic, level, "TagD").getKeys());
                    assertThat(m.getUserProperty("colour")).isEqualTo(level % 2 == 0 ? "red" : "blue");
                    assertThat(m.getMsgId()).isEqualTo(results[level].getMsgId());
                }
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    @Test
    void aLevelAboveTheHighestIsClampedAndZeroOrNegativeLevelsAreNotDelayed() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withDelayLevels(DelayLevels.parse("1s 2s")))) {
            String topic = "T_DELAY_CLAMP";
            DefaultMQProducer producer = producer(cluster, "PG_CLAMP", "clamp-producer");
            Map<String, Arrival> arrivals = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = subscribedConsumer(cluster, producer, topic, "CG_CLAMP", arrivals);
            try {
                Message high = Messages.message(topic, 10, "TagD");
                high.setDelayTimeLevel(10);
                Message zero = Messages.message(topic, 11, "TagD");
                zero.setDelayTimeLevel(0);
                Message negative = Messages.message(topic, 12, "TagD");
                negative.setDelayTimeLevel(-3);
                long sent = System.currentTimeMillis();
                assertThat(producer.send(high).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                assertThat(producer.send(zero).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                assertThat(producer.send(negative).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                arrivals.containsKey("10") && arrivals.containsKey("11") && arrivals.containsKey("12"));
                assertThat(arrivals.get("11").atMillis() - sent).isLessThan(1_000);
                assertThat(arrivals.get("12").atMillis() - sent).isLessThan(1_000);
                assertThat(arrivals.get("10").atMillis() - sent).isBetween(2_000L, 3_000L);
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    static DefaultMQProducer producer(Cluster cluster, String group, String instance) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer(group);
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName(instance);
        producer.start();
        return producer;
    }

    /**
     * A push consumer of {@code topic} that has already received a plain warm-up message, so its rebalance
     * is done and a delayed message's arrival time is the broker's doing alone.
     */
    static DefaultMQPushConsumer subscribedConsumer(
            Cluster cluster, DefaultMQProducer producer, String topic, String group, Map<String, Arrival> arrivals)
            throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(group + "-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.currentTimeMillis();
            for (MessageExt m : msgs) {
                arrivals.putIfAbsent(m.getUserProperty(Messages.SEQ), new Arrival(m, now));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        assertThat(producer.send(Messages.message(topic, 999, "warm")).getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        consumer.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals.containsKey("999"));
        // Every queue is assigned once the warm-up message came in; the rest of the queues are pulled too.
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        consumer
                                        .getDefaultMQPushConsumerImpl()
                                        .getRebalanceImpl()
                                        .getProcessQueueTable()
                                        .keySet()
                                        .stream()
                                        .filter(q -> q.getTopic().equals(topic))
                                        .count()
                                == 4);
        return consumer;
    }

    static List<MessageExt> copy(List<MessageExt> list) {
        return new CopyOnWriteArrayList<>(list);
    }
}
