package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.admin.ConsumeStats;
import org.apache.rocketmq.common.admin.OffsetWrapper;
import org.apache.rocketmq.common.admin.TopicStatsTable;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.body.ConsumerConnection;
import org.apache.rocketmq.common.protocol.body.KVTable;
import org.apache.rocketmq.common.protocol.body.TopicList;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.admin.api.MessageTrack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What mqadmin does, through the 4.9.8 rocketmq-tools API (docs/protocol.md §10(g)). */
@Timeout(120)
class AdminToolTest {
    @TempDir
    static Path dir;

    static Cluster cluster;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir);
        admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("admin-tool-test");
        admin.start();
        producer = new DefaultMQProducer("PG_ADMIN");
        producer.setNamesrvAddr(cluster.namesrvAddr());
        producer.setInstanceName("admin-test-producer");
        producer.start();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void clusterListAndBrokerStatus() throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        assertThat(info.getClusterAddrTable()).containsEntry("DefaultCluster", Set.of("broker-a"));
        String addr = info.getBrokerAddrTable().get("broker-a").getBrokerAddrs().get(0L);
        assertThat(addr).isEqualTo(cluster.brokerAddr());
        KVTable runtime = admin.fetchBrokerRuntimeStats(addr);
        assertThat(runtime.getTable())
                .containsEntry("brokerVersion", "409")
                .containsKeys(
                        "putTps",
                        "getTransferedTps",
                        "earliestMessageTimeStamp",
                        "commitLogDiskRatio",
                        "msgPutTotalTodayNow",
                        "msgGetTotalTodayNow");
        // clusterList parses the first rate token as a double.
        Double.parseDouble(runtime.getTable().get("putTps").split(" ")[0]);
    }

    @Test
    void updateTopicThenTopicListRouteAndStatusThenDeleteTopic() throws Exception {
        String topic = "T_ADMIN_CRUD";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 3, 3, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> admin.fetchAllTopicList().getTopicList().contains(topic));
        TopicList all = admin.fetchAllTopicList();
        assertThat(all.getTopicList()).contains("TBW102", "DefaultCluster", "broker-a", "SELF_TEST_TOPIC");

        TopicRouteData route = admin.examineTopicRouteInfo(topic);
        assertThat(route.getQueueDatas()).singleElement().satisfies(q -> {
            assertThat(q.getReadQueueNums()).isEqualTo(3);
            assertThat(q.getWriteQueueNums()).isEqualTo(3);
            assertThat(q.getPerm()).isEqualTo(6);
        });

        for (int i = 0; i < 5; i++) {
            producer.send(Messages.message(topic, i, "TagA"), new MessageQueue(topic, "broker-a", 2));
        }
        // The consume queue is written by the store's dispatcher just after the send is acknowledged.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> admin.examineTopicStats(topic)
                                .getOffsetTable()
                                .get(new MessageQueue(topic, "broker-a", 2))
                                .getMaxOffset()
                        == 5);
        TopicStatsTable stats = admin.examineTopicStats(topic);
        assertThat(stats.getOffsetTable()).hasSize(3);
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 2))
                        .getMaxOffset())
                .isEqualTo(5);
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 2))
                        .getLastUpdateTimestamp())
                .isPositive();
        assertThat(stats.getOffsetTable()
                        .get(new MessageQueue(topic, "broker-a", 0))
                        .getMaxOffset())
                .isZero();

        admin.deleteTopicInBroker(Set.of(cluster.brokerAddr()), topic);
        // As mqadmin deleteTopic calls it: 4.9.8 forwards the two names swapped, so the topic goes second.
        admin.deleteTopicInNameServer(Set.of(cluster.namesrvAddr()), topic, "DefaultCluster");
        assertThat(admin.fetchAllTopicList().getTopicList()).doesNotContain(topic);
        assertThatThrownBy(() -> admin.examineTopicStats(topic)).isInstanceOf(MQClientException.class);
    }

    @Test
    void consumerProgressConnectionsAndQueryMessageById() throws Exception {
        String topic = "T_ADMIN_PROGRESS";
        String group = "CG_ADMIN_PROGRESS";
        admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(topic, 2, 2, 6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !producer.fetchPublishMessageQueues(topic).isEmpty());
        Map<Integer, SendResult> results = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            results.put(i, producer.send(Messages.message(topic, i, "TagA")));
        }
        Map<Integer, MessageExt> received = new ConcurrentHashMap<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(cluster.namesrvAddr());
        consumer.setInstanceName("admin-progress-consumer");
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.put(Messages.seq(m), m));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 10);
            // Offsets reach the broker with the consumer's periodic persist (oneway UPDATE_CONSUMER_OFFSET);
            // until the first one the tool refuses an empty table, as it does against the reference.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                ConsumeStats stats = admin.examineConsumeStats(group);
                return stats.getOffsetTable().values().stream()
                                .mapToLong(OffsetWrapper::getConsumerOffset)
                                .sum()
                        == 10;
            });
            ConsumeStats stats = admin.examineConsumeStats(group);
            // Once the consumer has committed on its retry queue, that topic is reported too, as the reference does.
            assertThat(stats.getOffsetTable().keySet())
                    .filteredOn(mq -> mq.getTopic().equals(topic))
                    .extracting(MessageQueue::getQueueId)
                    .containsExactlyInAnyOrder(0, 1);
            assertThat(stats.computeTotalDiff()).isZero();

            ConsumerConnection connection = admin.examineConsumerConnectionInfo(group);
            assertThat(connection.getConnectionSet())
                    .singleElement()
                    .satisfies(c -> assertThat(c.getClientId()).endsWith("@admin-progress-consumer"));
            assertThat(connection.getSubscriptionTable()).containsKey(topic);

            SendResult sent = results.get(3);
            MessageExt viewed = admin.viewMessage(sent.getOffsetMsgId());
            Messages.assertSame(viewed, Messages.message(topic, 3, "TagA"));
            List<MessageTrack> tracks = admin.messageTrackDetail(viewed);
            assertThat(tracks).extracting(MessageTrack::getConsumerGroup).contains(group);
        } finally {
            consumer.shutdown();
        }
    }
}
