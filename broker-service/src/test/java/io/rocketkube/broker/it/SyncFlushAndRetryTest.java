package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.FlushMode;
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
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A SYNC_FLUSH broker acknowledges durable sends; a consumer's RECONSUME_LATER comes back as a retry. */
@Timeout(120)
class SyncFlushAndRetryTest {
    @TempDir
    Path dir;

    @Test
    void syncFlushSendsAreAcknowledgedAndFailedMessagesAreRedeliveredFromTheRetryTopic() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withFlushMode(FlushMode.SYNC_FLUSH))) {
            DefaultMQProducer producer = new DefaultMQProducer("PG_SYNC");
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName("sync-producer");
            producer.start();
            Map<Integer, Integer> attempts = new ConcurrentHashMap<>();
            List<MessageExt> retried = new CopyOnWriteArrayList<>();
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("CG_RETRY");
            try {
                for (int i = 0; i < 10; i++) {
                    assertThat(producer.send(Messages.message("T_SYNC", i, "TagA"))
                                    .getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
                consumer.setNamesrvAddr(cluster.namesrvAddr());
                consumer.setInstanceName("retry-consumer");
                // The retry topic is made at the first heartbeat; a 1 s route poll (not 30 s) learns it promptly.
                consumer.setPollNameServerInterval(1_000);
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe("T_SYNC", "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        int n = attempts.merge(Messages.seq(m), 1, Integer::sum);
                        if (n > 1) {
                            retried.add(m);
                        }
                    }
                    // Every message fails once, then succeeds.
                    return msgs.stream().allMatch(m -> attempts.get(Messages.seq(m)) > 1)
                            ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
                            : ConsumeConcurrentlyStatus.RECONSUME_LATER;
                });
                consumer.start();
                await().atMost(Duration.ofSeconds(60))
                        .until(() ->
                                retried.stream().map(Messages::seq).distinct().count() == 10);
                for (MessageExt m : retried) {
                    assertThat(m.getReconsumeTimes()).isPositive();
                    Message sent = Messages.message("T_SYNC", Messages.seq(m), "TagA");
                    Messages.assertSame(m, sent);
                }
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }
}
