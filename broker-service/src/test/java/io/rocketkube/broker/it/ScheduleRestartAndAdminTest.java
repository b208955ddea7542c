package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.TypeReference;
import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.client.message.BatchBodyDecoder;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.apache.rocketmq.common.protocol.body.KVTable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delayed messages still waiting survive a broker restart and each arrives once, not early; the positions are
 * served by GET_ALL_DELAY_OFFSET in the shape fastjson (mqadmin, an Apache slave) parses and in the runtime
 * info; bad delay input is refused with nothing stored; SCHEDULE_TOPIC_XXXX cannot be pulled.
 */
@Timeout(120)
class ScheduleRestartAndAdminTest {
    @TempDir
    Path dir;

    @Test
    void pendingDelayedMessagesSurviveARestartAndArriveOnceOnTime() throws Exception {
        try (Cluster cluster = new Cluster(dir, s -> s.withDelayLevels(DelayLevels.parse("3s 4s")))) {
            String topic = "T_DELAY_RESTART";
            DefaultMQProducer producer = DelayLevelDeliveryTest.producer(cluster, "PG_DR", "dr-producer");
            Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
            Map<Integer, Long> firstAt = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("CG_DR");
            try {
                long sent = System.currentTimeMillis();
                for (int i = 0; i < 10; i++) {
                    Message m = Messages.message(topic, i, "TagR");
                    m.setDelayTimeLevel(i % 2 + 1);
                    assertThat(producer.send(m).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
                }
                cluster.restartBroker();
                consumer.setNamesrvAddr(cluster.namesrvAddr());
                consumer.setInstanceName("dr-consumer");
                consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
                consumer.subscribe(topic, "*");
                consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    long now = System.currentTimeMillis();
                    for (MessageExt m : msgs) {
                        counts.computeIfAbsent(Messages.seq(m), k -> new AtomicInteger())
                                .incrementAndGet();
                        firstAt.putIfAbsent(Messages.seq(m), now);
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
                consumer.start();
                await().atMost(Duration.ofSeconds(40)).until(() -> counts.size() == 10);
                for (int i = 0; i < 10; i++) {
                    long delay = i % 2 == 0 ? 3_000 : 4_000;
                    assertThat(firstAt.get(i) - sent)
                            .as("message %d not early", i)
                            .isGreaterThanOrEqualTo(delay);
                }
                Map<Integer, Long> delayOffsets = delayOffsets(cluster);
                assertThat(delayOffsets).containsEntry(1, 5L).containsEntry(2, 5L);
                // Exactly ten copies in the real topic: none delivered twice across the restart.
                DefaultMQAdminExt admin = admin(cluster);
                try {
                    long total = admin.examineTopicStats(topic).getOffsetTable().values().stream()
                            .mapToLong(o -> o.getMaxOffset() - o.getMinOffset())
                            .sum();
                    assertThat(total).isEqualTo(10);
                    KVTable runtime = admin.fetchBrokerRuntimeStats(cluster.brokerAddr());
                    assertThat(runtime.getTable())
                            .containsEntry("scheduleMessageOffset_1", "5,5")
                            .containsEntry("scheduleMessageOffset_2", "5,5");
                } finally {
                    admin.shutdown();
                }
                assertThat(counts.values()).allMatch(c -> c.get() == 1);
            } finally {
                consumer.shutdown();
                producer.shutdown();
            }
        }
    }

    @Test
    void badDelayInputIsRefusedWithNothingStoredAndTheScheduleTopicCannotBePulled() throws Exception {
        try (Cluster cluster = new Cluster(dir);
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            String topic = "T_DELAY_BAD";
            RemotingCommand create = RawRequests.createTopic(topic, 1);
            assertThat(client.invokeSync(cluster.brokerAddr(), create, 5000).code())
                    .isEqualTo(ResponseCode.SUCCESS);
            long before = maxOffset(client, cluster, topic, 0) + maxOffset(client, cluster, "SCHEDULE_TOPIC_XXXX", 1);

            Map<String, String> h = header(topic, "TAGS\u0001A\u0002DELAY\u0001soon");
            RemotingCommand bad = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                            .withExtFields(h)
                            .withBody(new byte[] {1}),
                    5000);
            assertThat(bad.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
            assertThat(bad.remark()).contains("delay level[soon]");

            ByteBuffer batchBody = BatchBodyDecoder.encode(List.of(
                    new BatchBodyDecoder.Entry(0, ByteBuffer.wrap(new byte[] {1}), "TAGS\u0001A"),
                    new BatchBodyDecoder.Entry(0, ByteBuffer.wrap(new byte[] {2}), "TAGS\u0001B")));
            byte[] body = new byte[batchBody.remaining()];
            batchBody.get(body);
            Map<String, String> hb = header(topic, "DELAY\u00012");
            hb.put("m", "true");
            RemotingCommand batch = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.SEND_BATCH_MESSAGE)
                            .withExtFields(hb)
                            .withBody(body),
                    5000);
            assertThat(batch.code()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL);
            assertThat(batch.remark()).contains("not supported for batched messages");
            assertThat(maxOffset(client, cluster, topic, 0) + maxOffset(client, cluster, "SCHEDULE_TOPIC_XXXX", 1))
                    .isEqualTo(before);

            RemotingCommand pull = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.PULL_MESSAGE)
                            .withExtFields(Map.of(
                                    "consumerGroup",
                                    "CG_PEEK",
                                    "topic",
                                    "SCHEDULE_TOPIC_XXXX",
                                    "queueId",
                                    "0",
                                    "queueOffset",
                                    "0",
                                    "maxMsgNums",
                                    "32",
                                    "sysFlag",
                                    "0",
                                    "commitOffset",
                                    "0",
                                    "suspendTimeoutMillis",
                                    "0",
                                    "subVersion",
                                    "0")),
                    5000);
            assertThat(pull.code()).isEqualTo(ResponseCode.NO_PERMISSION);

            Map<String, String> ok = header(topic, "TAGS\u0001A\u0002DELAY\u00011");
            RemotingCommand delayed = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                            .withExtFields(ok)
                            .withBody(new byte[] {7}),
                    5000);
            assertThat(delayed.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(delayed.extField("queueId")).isEqualTo("0");
        }
    }

    private static long maxOffset(RemotingClient client, Cluster cluster, String topic, int queueId) throws Exception {
        RemotingCommand r = client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                        .withExtFields(Map.of("topic", topic, "queueId", String.valueOf(queueId))),
                5000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return Long.parseLong(r.extField("offset"));
    }

    private static Map<String, String> header(String topic, String properties) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_BAD");
        h.put("b", topic);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", properties);
        return h;
    }

    /** GET_ALL_DELAY_OFFSET parsed as the reference's DelayOffsetSerializeWrapper is: by fastjson. */
    private static Map<Integer, Long> delayOffsets(Cluster cluster) throws Exception {
        try (RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand r = client.invokeSync(
                    cluster.brokerAddr(), RemotingCommand.request(RequestCode.GET_ALL_DELAY_OFFSET), 5000);
            assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
            Map<String, Map<Integer, Long>> wrapper = JSON.parseObject(
                    new String(r.body(), StandardCharsets.UTF_8),
                    new TypeReference<Map<String, Map<Integer, Long>>>() {});
            return wrapper.get("offsetTable");
        }
    }

    private static DefaultMQAdminExt admin(Cluster cluster) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(cluster.namesrvAddr());
        admin.setInstanceName("schedule-admin");
        admin.start();
        return admin;
    }
}
