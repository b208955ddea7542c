package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22 with the official 5.3.3 client against our packaged NameServer and broker: a SQL92 push consumer
 * gets exactly the matching messages, a broken selector fails its start, and a request gets its reply.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class OurBrokerSqlFilterV5Test {
    private NameServerNode namesrv;
    private BrokerNode broker;
    private DefaultMQAdminExt admin;
    private DefaultMQProducer producer;

    @BeforeAll
    void start() throws Exception {
        namesrv = NamesrvKind.OURS.start("namesrv");
        broker = OurBroker.builder("our-broker")
                .clusterName("RkE2eCluster")
                .brokerName(unique("rk-sql"))
                .namesrvAddrs(namesrv.address())
                .build();
        broker.start();
        admin = OfficialClients.startAdmin(namesrv.address());
        awaitBrokerRegistered(admin, broker);
        producer = OfficialClients.startProducer(namesrv.address());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.shutdown();
        }
        if (broker != null) {
            broker.stop();
        }
        if (namesrv != null) {
            namesrv.stop();
        }
    }

    private DefaultMQPushConsumer consumer(String topic, String sql, Set<String> into) throws MQClientException {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(unique("cg"));
        consumer.setNamesrvAddr(namesrv.address());
        consumer.setInstanceName(unique("consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, MessageSelector.bySql(sql));
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                into.add(m.getUserProperty("n"));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        return consumer;
    }

    @Test
    void sql92ConsumersGetExactlyTheirMessagesAndABrokenSelectorFailsTheStart() throws Exception {
        String topic = unique("RkSqlTopic");
        createTopic(admin, broker, topic, 4);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Message m = new Message(topic, ("b" + i).getBytes(StandardCharsets.UTF_8));
            m.putUserProperty("n", String.valueOf(i));
            m.putUserProperty("a", String.valueOf(i % 10));
            m.putUserProperty("b", i % 2 == 0 ? "x" : "y");
            producer.send(m);
            if (i % 10 > 5 && i % 2 == 0) {
                expected.add(String.valueOf(i));
            }
        }
        Set<String> got = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = consumer(topic, "a > 5 AND b = 'x'", got);
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(got).isEqualTo(expected));
            await().during(Duration.ofMillis(1500))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(got).isEqualTo(expected));
        } finally {
            consumer.shutdown();
        }
        DefaultMQPushConsumer broken = consumer(topic, "a > AND b = 'x'", ConcurrentHashMap.newKeySet());
        try {
            assertThatThrownBy(broken::start)
                    .isInstanceOf(MQClientException.class)
                    .hasMessageContaining("Invalid MessageSelector");
        } finally {
            broken.shutdown();
        }
    }

    /**
     * 5.3.3's blocking {@code request(msg, timeout)} cannot be used for this: its send callback counts down the
     * latch the caller waits on (DefaultMQProducerImpl.request, RequestResponseFuture.acquireCountDownLatch),
     * so it throws "send request message ... OK, but wait reply message timeout" as soon as the send is
     * acknowledged, before any broker could push the reply (the reply then arrives and is logged as "not
     * matched any request"). Its callback form works: the callback is called with null at send success, then
     * with the reply when PUSH_REPLY_MESSAGE_TO_CLIENT delivers it.
     */
    @Test
    void requestWithACallbackGetsTheReply() throws Exception {
        String topic = unique("RkRequestTopic");
        createTopic(admin, broker, topic, 4);
        DefaultMQProducer replier = OfficialClients.startProducer(namesrv.address());
        DefaultMQPushConsumer responder = new DefaultMQPushConsumer(unique("cg"));
        responder.setNamesrvAddr(namesrv.address());
        responder.setInstanceName(unique("responder"));
        responder.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        responder.subscribe(topic, "*");
        responder.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt request : msgs) {
                try {
                    replier.send(MessageUtil.createReplyMessage(
                            request,
                            ("re: " + new String(request.getBody(), StandardCharsets.UTF_8))
                                    .getBytes(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        responder.start();
        try {
            java.util.concurrent.atomic.AtomicReference<Message> reply =
                    new java.util.concurrent.atomic.AtomicReference<>();
            producer.request(
                    new Message(topic, "ping".getBytes(StandardCharsets.UTF_8)),
                    new org.apache.rocketmq.client.producer.RequestCallback() {
                        @Override
                        public void onSuccess(Message message) {
                            if (message != null) {
                                reply.set(message);
                            }
                        }

                        @Override
                        public void onException(Throwable e) {}
                    },
                    30_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> reply.get() != null);
            assertThat(new String(reply.get().getBody(), StandardCharsets.UTF_8))
                    .isEqualTo("re: ping");
            assertThat(reply.get().getProperty("CORRELATION_ID")).isNotNull();
        } finally {
            responder.shutdown();
            replier.shutdown();
        }
    }
}
