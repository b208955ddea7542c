package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.message.BatchBodyDecoder;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicRouteData;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with id 1 and role SLAVE is a slave (issue 18): it registers beside its master, refuses every kind
 * of send with the reference's codes, and serves pulls, queries, offsets and offset commits, so that the
 * official client keeps consuming from it while the master is down.
 */
@Timeout(120)
class SlaveBrokerTest {
    static final String TOPIC = "T_SLAVE";
    static final String GROUP = "CG_SLAVE";
    static final int COUNT = 20;

    @TempDir
    Path dir;

    MasterSlave pair;
    RemotingClient raw;
    DefaultMQProducer producer;
    DefaultMQPushConsumer consumer;

    @BeforeEach
    void start() throws Exception {
        pair = new MasterSlave(dir);
        raw = new RemotingClient(RemotingClientConfig.defaults());
        producer = new DefaultMQProducer("PG_SLAVE");
        producer.setNamesrvAddr(pair.namesrvAddr());
        producer.setInstanceName("slave-test-producer");
        // Routes refreshed every second rather than 30 s: the test waits for the client to see the master gone.
        producer.setPollNameServerInterval(1000);
        producer.start();
    }

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.shutdown();
        }
        if (producer != null) {
            producer.shutdown();
        }
        if (raw != null) {
            raw.close();
        }
        if (pair != null) {
            pair.close();
        }
    }

    RemotingCommand call(String addr, RemotingCommand request) throws Exception {
        RemotingCommand response = raw.invokeSync(addr, request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }

    /** Sends COUNT messages through the master, waits until the slave has the topic, copies the CommitLog. */
    Map<String, SendResult> sendAndReplicate() throws Exception {
        Map<String, SendResult> sent = new HashMap<>();
        for (int i = 0; i < COUNT; i++) {
            Message m = Messages.message(TOPIC, i, "TagA");
            SendResult result = producer.send(m);
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            sent.put("key-" + i, result);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call(
                                        pair.slaveAddr(),
                                        RemotingCommand.request(RequestCode.GET_TOPIC_CONFIG)
                                                .withExtField("topic", TOPIC))
                                .code()
                        == ResponseCode.SUCCESS);
        pair.replicate();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> pair.slaveStore().maxPhysicalOffset()
                        == pair.masterStore().maxPhysicalOffset());
        return sent;
    }

    @Test
    void slaveRegistersBesideItsMasterAndStaysInTheRouteWhenTheMasterStops() throws Exception {
        sendAndReplicate();
        TopicRouteData route = route();
        assertThat(route.brokerDatas()).hasSize(1);
        assertThat(route.brokerDatas().get(0).brokerAddrs())
                .containsEntry(0L, pair.masterAddr())
                .containsEntry(1L, pair.slaveAddr());

        pair.stopMaster();
        TopicRouteData withoutMaster = route();
        assertThat(withoutMaster.brokerDatas().get(0).brokerAddrs()).containsOnlyKeys(1L);
        assertThat(withoutMaster.queueDatas()).isNotEmpty();
    }

    TopicRouteData route() throws Exception {
        RemotingCommand r = call(
                pair.namesrvAddr(),
                RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).withExtField("topic", TOPIC));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return RemotingJson.mapper().readValue(r.body(), TopicRouteData.class);
    }

    @Test
    void slaveRefusesEveryKindOfSendWithTheReferenceCodesAndStoresNothing() throws Exception {
        sendAndReplicate();
        long before = pair.slaveStore().maxPhysicalOffset();

        RemotingCommand v1 = RemotingCommand.request(RequestCode.SEND_MESSAGE)
                .withExtFields(Map.of(
                        "producerGroup",
                        "PG_RAW",
                        "topic",
                        TOPIC,
                        "defaultTopic",
                        "TBW102",
                        "defaultTopicQueueNums",
                        "4",
                        "queueId",
                        "0",
                        "sysFlag",
                        "0",
                        "bornTimestamp",
                        "1700000000000",
                        "flag",
                        "0",
                        "properties",
                        "TAGS\u0001A"))
                .withBody(new byte[] {1});
        RemotingCommand v2 = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .withExtFields(v2Header())
                .withBody(new byte[] {1});
        ByteBuffer batchBody = BatchBodyDecoder.encode(
                List.of(new BatchBodyDecoder.Entry(0, ByteBuffer.wrap(new byte[] {1, 2}), "TAGS\u0001A")));
        byte[] batch = new byte[batchBody.remaining()];
        batchBody.get(batch);
        RemotingCommand batched = RemotingCommand.request(RequestCode.SEND_BATCH_MESSAGE)
                .withExtFields(v2Header())
                .withBody(batch);
        for (RemotingCommand send : List.of(v1, v2, batched)) {
            RemotingCommand r = call(pair.slaveAddr(), send);
            assertThat(r.code()).as("code " + send.code()).isEqualTo(ResponseCode.SERVICE_NOT_AVAILABLE);
            assertThat(r.remark()).contains("slave");
        }
        long firstMessage = pair.slaveStore().minPhysicalOffset();
        RemotingCommand sendBack = RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                .withExtFields(Map.of(
                        "offset",
                        String.valueOf(firstMessage),
                        "group",
                        GROUP,
                        "delayLevel",
                        "0",
                        "originTopic",
                        TOPIC));
        RemotingCommand r = call(pair.slaveAddr(), sendBack);
        assertThat(r.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(r.remark()).startsWith("SERVICE_NOT_AVAILABLE").contains("slave");

        assertThat(pair.slaveStore().maxPhysicalOffset()).isEqualTo(before);
    }

    static Map<String, String> v2Header() {
        Map<String, String> h = new HashMap<>();
        h.put("a", "PG_RAW");
        h.put("b", TOPIC);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", "TAGS\u0001A");
        return h;
    }

    @Test
    void withTheMasterDownTheOfficialConsumerConsumesFromTheSlaveAndQueriesAndOffsetsAreServedThere() throws Exception {
        Map<String, SendResult> sent = sendAndReplicate();
        pair.stopMaster();

        // Query by key: once its route lost the master, the client asks the only broker of the group left.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> route().brokerDatas().get(0).brokerAddrs().keySet().equals(Set.of(1L)));
        // A query still routed to the stopped master blocks for the client's 15 s query timeout: allow for one.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    QueryResult byKey = producer.queryMessage(TOPIC, "key-7", 32, 0, Long.MAX_VALUE);
                    assertThat(byKey.getMessageList()).extracting(Messages::seq).containsExactly(7);
                });

        // View by offset msgId: the id names the master's address, so ask the slave with the offset it encodes.
        SendResult third = sent.get("key-3");
        long physical = Long.parseLong(third.getOffsetMsgId().substring(16), 16);
        RemotingCommand view = call(
                pair.slaveAddr(),
                RemotingCommand.request(RequestCode.VIEW_MESSAGE_BY_ID).withExtField("offset", physical));
        assertThat(view.code()).isEqualTo(ResponseCode.SUCCESS);
        MessageExt viewed = org.apache.rocketmq.common.message.MessageDecoder.decode(ByteBuffer.wrap(view.body()));
        assertThat(Messages.seq(viewed)).isEqualTo(3);

        // Offsets by timestamp: everything was stored after time 0, so the queue's first offset.
        int queue = third.getMessageQueue().getQueueId();
        RemotingCommand byTime = call(
                pair.slaveAddr(),
                RemotingCommand.request(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP)
                        .withExtField("topic", TOPIC)
                        .withExtField("queueId", queue)
                        .withExtField("timestamp", 0));
        assertThat(byTime.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(byTime.extField("offset")).isEqualTo("0");

        // The official push consumer: the route has only the slave; it pulls there and commits its offsets there.
        Set<Integer> received = ConcurrentHashMap.newKeySet();
        consumer = new DefaultMQPushConsumer(GROUP);
        consumer.setNamesrvAddr(pair.namesrvAddr());
        consumer.setInstanceName("slave-test-consumer");
        consumer.setPollNameServerInterval(1000);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
            msgs.forEach(m -> received.add(Messages.seq(m)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() == COUNT);
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOnSlave() == COUNT);
    }

    /** Sum over the topic's queues of the group's offsets committed on the slave. */
    long committedOnSlave() throws Exception {
        long sum = 0;
        for (int q = 0; q < 4; q++) {
            RemotingCommand r = call(
                    pair.slaveAddr(),
                    RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                            .withExtField("consumerGroup", GROUP)
                            .withExtField("topic", TOPIC)
                            .withExtField("queueId", q)
                            .withExtField("setZeroIfNotFound", false));
            if (r.code() == ResponseCode.SUCCESS) {
                sum += Long.parseLong(r.extField("offset"));
            }
        }
        return sum;
    }
}
