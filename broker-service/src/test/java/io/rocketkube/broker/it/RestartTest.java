package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.subscription.SubscriptionGroupConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** After a clean broker restart, topics, groups and committed offsets are still there and consumers resume. */
@Timeout(180)
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void topicsGroupsAndOffsetsSurviveACleanRestartAndConsumersResumeWithoutLoss() throws Exception {
        String topic = "T_RESTART";
        String group = "CG_RESTART";
        try (Cluster cluster = new Cluster(dir)) {
            DefaultMQAdminExt admin = admin(cluster, "restart-admin-1");
            DefaultMQProducer producer = new DefaultMQProducer("PG_RESTART");
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName("restart-producer");
            producer.start();
            try {
                admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
                SubscriptionGroupConfig made = new SubscriptionGroupConfig();
                made.setGroupName("CG_ADMIN_MADE");
                made.setRetryMaxTimes(5);
                admin.createAndUpdateSubscriptionGroupConfig(cluster.brokerAddr(), made);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !producer.fetchPublishMessageQueues(topic).isEmpty());
                for (int i = 0; i < 20; i++) {
                    assertThat(producer.send(Messages.message(topic, i, "TagA")).getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
                Map<Integer, MessageExt> first = new ConcurrentHashMap<>();
                DefaultMQPushConsumer consumer = consumer(cluster, group, "restart-consumer-1", first);
                await().atMost(Duration.ofSeconds(30)).until(() -> first.size() == 20);
                consumer.shutdown();
                await().atMost(Duration.ofSeconds(10))
                        .ignoreExceptions()
                        .until(() -> committed(admin, group, topic) == 20);

                for (int i = 20; i < 30; i++) {
                    assertThat(producer.send(Messages.message(topic, i, "TagA")).getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
                admin.shutdown();

                cluster.restartBroker();

                DefaultMQAdminExt after = admin(cluster, "restart-admin-2");
                try {
                    assertThat(after.examineTopicConfig(cluster.brokerAddr(), topic)
                                    .getWriteQueueNums())
                            .isEqualTo(2);
                    assertThat(after.examineSubscriptionGroupConfig(cluster.brokerAddr(), "CG_ADMIN_MADE")
                                    .getRetryMaxTimes())
                            .isEqualTo(5);
                    assertThat(after.examineSubscriptionGroupConfig(cluster.brokerAddr(), group))
                            .isNotNull();
                    assertThat(committed(after, group, topic)).isEqualTo(20);
                } finally {
                    after.shutdown();
                }

                Map<Integer, MessageExt> second = new ConcurrentHashMap<>();
                DefaultMQPushConsumer resumed = consumer(cluster, group, "restart-consumer-2", second);
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> second.size() == 10);
                    assertThat(second.keySet())
                            .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(20, 30)
                                    .boxed()
                                    .toList());
                    for (MessageExt m : second.values()) {
                        Message sent = Messages.message(topic, Messages.seq(m), "TagA");
                        Messages.assertSame(m, sent);
                    }
                } finally {
                    resumed.shutdown();
                }
            } finally {
                producer.shutdown();
            }
        }
    }

    private static long committed(DefaultMQAdminExt admin, String group, String topic) throws Exception {
        return admin.examineConsumeStats(group, topic).getOffsetTable().values().stream()
                .mapToLong(OffsetWrapper::getConsumerOffset)
                .sum();
    }

    private static DefaultMQAdminExt admin(Cluster cluster, String instance) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName(instance);
        admin.start();
        return admin;
    }

    private static DefaultMQPushConsumer consumer(
            Cluster cluster, String group, String instance, Map<Integer, MessageExt> into) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName(instance);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe("T_RESTART", "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> into.put(Messages.seq(m), m));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        return consumer;
    }
}
