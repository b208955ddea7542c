package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.utils.MessageUtil;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request-reply with the unmodified 4.9.8 client: {@code producer.request(msg, timeout)} gets the reply a
 * consumer sends with {@code MessageUtil.createReplyMessage} (SEND_REPLY_MESSAGE_V2 → PUSH_REPLY_MESSAGE_TO_CLIENT),
 * and a reply for a client the broker does not know is answered with a clear error.
 */
@Timeout(90)
class RequestReplyTest {
    static final String TOPIC = "T_REQUEST";

    @TempDir
    static Path dir;

    static Cluster cluster;
    static DefaultMQProducer requester;
    static DefaultMQProducer replier;
    static DefaultMQPushConsumer responder;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir);
        requester = new DefaultMQProducer("PG_REQUESTER");
        requester.setNamesrvAddr(cluster.namesrvAddr());
        requester.setInstanceName("requester");
        requester.start();
        assertThat(requester
                        .send(new Message(TOPIC, "warm-up".getBytes(StandardCharsets.UTF_8)))
                        .getSendStatus())
                .isEqualTo(SendStatus.SEND_OK);
        replier = new DefaultMQProducer("PG_REPLIER");
        replier.setNamesrvAddr(cluster.namesrvAddr());
        replier.setInstanceName("replier");
        replier.start();
        responder = new DefaultMQPushConsumer("CG_RESPONDER");
        responder.setNamesrvAddr(cluster.namesrvAddr());
        responder.setInstanceName("responder");
        responder.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        responder.subscribe(TOPIC, "*");
        responder.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt request : msgs) {
                if (request.getProperty("REPLY_TO_CLIENT") == null) {
                    continue;
                }
                try {
                    String answer = "re: " + new String(request.getBody(), StandardCharsets.UTF_8);
                    replier.send(MessageUtil.createReplyMessage(request, answer.getBytes(StandardCharsets.UTF_8)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        responder.start();
    }

    @AfterAll
    static void stop() {
        for (Runnable r : new Runnable[] {
            () -> responder.shutdown(), () -> replier.shutdown(), () -> requester.shutdown(), () -> cluster.close()
        }) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // already down
            }
        }
    }

    @Test
    void theRequestersRequestGetsTheRespondersReply() throws Exception {
        // The responder's rebalance may take a moment: the first request may time out, a later one must not.
        Message reply = null;
        for (int attempt = 0; attempt < 5 && reply == null; attempt++) {
            try {
                reply = requester.request(
                        new Message(TOPIC, ("ping-" + attempt).getBytes(StandardCharsets.UTF_8)), 5_000);
            } catch (org.apache.rocketmq.client.exception.RequestTimeoutException e) {
                // responder not assigned yet; ask again
            }
        }
        assertThat(reply).isNotNull();
        assertThat(new String(reply.getBody(), StandardCharsets.UTF_8)).startsWith("re: ping-");
        assertThat(reply.getProperty("CORRELATION_ID")).isNotNull();
        assertThat(reply.getProperty("PUSH_REPLY_TIME")).isNotNull();
        // A second one, back to back.
        Message second = requester.request(new Message(TOPIC, "pong".getBytes(StandardCharsets.UTF_8)), 5_000);
        assertThat(new String(second.getBody(), StandardCharsets.UTF_8)).isEqualTo("re: pong");
    }

    @Test
    void aReplyToAnUnknownClientOrWithoutOneIsAClearErrorAndTheBrokerGoesOn() throws Exception {
        try (RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand unknown = client.invokeSync(
                    cluster.brokerAddr(),
                    reply("REPLY_TO_CLIENT\u0001nobody@1" + "\u0002CORRELATION_ID\u0001c1\u0002MSG_TYPE\u0001reply"),
                    5000);
            assertThat(unknown.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(unknown.remark()).contains("channel of <nobody@1> not found");
            RemotingCommand none = client.invokeSync(cluster.brokerAddr(), reply("CORRELATION_ID\u0001c2"), 5000);
            assertThat(none.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(none.remark()).contains("REPLY_TO_CLIENT");
            RemotingCommand noTopic = client.invokeSync(
                    cluster.brokerAddr(), reply("REPLY_TO_CLIENT\u0001x").withExtField("b", "T NOT LEGAL"), 5000);
            assertThat(noTopic.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        }
        // The broker still serves request-reply.
        theRequestersRequestGetsTheRespondersReply();
    }

    private static RemotingCommand reply(String properties) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_REPLIER");
        h.put("b", "DefaultCluster_REPLY_TOPIC");
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", properties);
        return RemotingCommand.request(RequestCode.SEND_REPLY_MESSAGE_V2)
                .withExtFields(h)
                .withBody("reply".getBytes(StandardCharsets.UTF_8));
    }
}
