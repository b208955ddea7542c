package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.filter.ExpressionType;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.body.CheckClientRequestBody;
import org.apache.rocketmq.common.protocol.heartbeat.SubscriptionData;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22's bad inputs sent frame by frame (official 4.9.8 remoting client) to Apache 4.9.7 and to our broker,
 * answers side by side: END_TRANSACTION for an unknown offset, a forged commit of an ordinary message, a second
 * commit of a settled half; CHECK_CLIENT_CONFIG and a pull with a SQL92 selector 10,000 deep and 1 MiB long.
 * Both brokers run with property filtering on. The table is printed; the asserts say where we agree and where we
 * deliberately answer differently: we refuse a second commit that Apache applies again (writing the message
 * twice), say why a forged commit is refused where Apache answers with its NullPointerException, and refuse
 * selectors past our length and depth limits that Apache accepts (1 MiB) or fails on (StackOverflowError).
 */
@Timeout(180)
class BadInputAnswersTest {
    private static final String DEEP = "(".repeat(10_000) + "a = 1" + ")".repeat(10_000);
    private static final String HUGE = "a = '" + "x".repeat(1024 * 1024) + "'";

    record Answer(int code, String remark) {
        static Answer of(RemotingCommand r) {
            String remark = r.getRemark() == null ? "" : r.getRemark();
            // Long enough for our remarks (an echoed selector is cut to 120 chars), short enough to print.
            return new Answer(r.getCode(), remark.length() > 400 ? remark.substring(0, 400) + "..." : remark);
        }
    }

    @Test
    void badInputsAnsweredAsApacheOrMoreStrictly() throws Exception {
        NameServerNode namesrv = NamesrvKind.OURS.start("namesrv-bad");
        ApacheBroker apache = ApacheBroker.builder("broker-bad-apache")
                .clusterName("RkBadCluster")
                .brokerName(OfficialClients.unique("apache-bad"))
                .namesrvAddrs(namesrv.address())
                .property("enablePropertyFilter", "true")
                .build();
        OurBroker ours = OurBroker.builder("broker-bad-ours")
                .clusterName("RkBadCluster")
                .brokerName(OfficialClients.unique("rk-bad"))
                .namesrvAddrs(namesrv.address())
                .build();
        NettyRemotingClient raw = new NettyRemotingClient(new NettyClientConfig());
        DefaultMQAdminExt admin = null;
        DefaultMQProducer producer = null;
        try {
            apache.start();
            ours.start();
            raw.start();
            admin = OfficialClients.startAdmin(namesrv.address());
            OfficialClients.awaitBrokerRegistered(admin, apache);
            OfficialClients.awaitBrokerRegistered(admin, ours);
            producer = OfficialClients.startProducer(namesrv.address());
            Map<String, Answer> a = scenario(admin, producer, raw, apache);
            Map<String, Answer> o = scenario(admin, producer, raw, ours);
            StringBuilder table = new StringBuilder("case | Apache 4.9.7 | ours\n");
            a.forEach((k, v) -> table.append(k)
                    .append(" | ")
                    .append(v)
                    .append(" | ")
                    .append(o.get(k))
                    .append('\n'));
            System.out.println(table);

            // Agreement: a refusal (SYSTEM_ERROR, same remark) for an END_TRANSACTION that names no message.
            assertThat(a.get("end-unknown-offset"))
                    .isEqualTo(new Answer(ResponseCode.SYSTEM_ERROR, "Find prepared transaction message failed"));
            assertThat(o.get("end-unknown-offset").code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(o.get("end-unknown-offset").remark()).startsWith("Find prepared transaction message failed");
            // A forged commit of an ordinary message: SYSTEM_ERROR from both; Apache's remark is its
            // NullPointerException.
            assertThat(a.get("end-forged-plain").code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(a.get("end-forged-plain").remark()).contains("NullPointerException");
            assertThat(o.get("end-forged-plain").code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(o.get("end-forged-plain").remark()).contains("is not a transactional half message");
            // The first commit of a half succeeds on both; Apache applies a second one too (the message is written
            // twice), we refuse it.
            assertThat(a.get("end-commit-half").code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(o.get("end-commit-half").code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(a.get("end-commit-settled").code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(o.get("end-commit-settled").code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(o.get("end-commit-settled").remark()).contains("is already committed");
            // 10,000 deep at CHECK_CLIENT_CONFIG: both 23, Apache's remark is its StackOverflowError.
            assertThat(a.get("check-deep").code()).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
            assertThat(a.get("check-deep").remark()).contains("StackOverflowError");
            // Apache accepts the 1 MiB selector and serves pulls with both (no limit); we refuse them with the reason.
            assertThat(a.get("check-huge").code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(a.get("pull-deep").code()).isNotEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
            assertThat(a.get("pull-huge").code()).isNotEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
            for (String c : List.of("check-deep", "check-huge", "pull-deep", "pull-huge")) {
                assertThat(o.get(c).code()).as("ours " + c).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
                assertThat(o.get(c).remark()).contains("Invalid MessageSelector");
            }
            // Both brokers still serve after all of it.
            for (BrokerNode broker : List.of(apache, ours)) {
                assertThat(producer.send(new Message(topicOf(broker), "after".getBytes(StandardCharsets.UTF_8)))
                                .getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
        } finally {
            if (producer != null) {
                producer.shutdown();
            }
            if (admin != null) {
                admin.shutdown();
            }
            raw.shutdown();
            ours.stop();
            apache.stop();
            namesrv.stop();
        }
    }

    private static String topicOf(BrokerNode broker) {
        return "T_BAD_" + broker.brokerName().replaceAll("[^A-Za-z0-9_-]", "_");
    }

    private static Map<String, Answer> scenario(
            DefaultMQAdminExt admin, DefaultMQProducer producer, NettyRemotingClient raw, BrokerNode broker)
            throws Exception {
        String topic = topicOf(broker);
        OfficialClients.createTopic(admin, broker, topic, 1);
        String group = producer.getProducerGroup();
        Map<String, Answer> answers = new LinkedHashMap<>();
        SendResult plain = producer.send(new Message(topic, "plain".getBytes(StandardCharsets.UTF_8)));
        Message halfMessage = new Message(topic, "half".getBytes(StandardCharsets.UTF_8));
        MessageAccessor.putProperty(halfMessage, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
        MessageAccessor.putProperty(halfMessage, MessageConst.PROPERTY_PRODUCER_GROUP, group);
        SendResult half = producer.send(halfMessage);
        assertThat(half.getSendStatus()).isEqualTo(SendStatus.SEND_OK);

        answers.put("end-unknown-offset", call(raw, broker, end(group, 0, 1L << 40)));
        answers.put(
                "end-forged-plain",
                call(
                        raw,
                        broker,
                        end(
                                group,
                                plain.getQueueOffset(),
                                MessageDecoder.decodeMessageId(plain.getOffsetMsgId())
                                        .getOffset())));
        long halfOffset = MessageDecoder.decodeMessageId(half.getOffsetMsgId()).getOffset();
        answers.put("end-commit-half", call(raw, broker, end(group, half.getQueueOffset(), halfOffset)));
        answers.put("end-commit-settled", call(raw, broker, end(group, half.getQueueOffset(), halfOffset)));
        answers.put("check-deep", call(raw, broker, check(topic, DEEP)));
        answers.put("check-huge", call(raw, broker, check(topic, HUGE)));
        answers.put("pull-deep", call(raw, broker, pull(topic, DEEP)));
        answers.put("pull-huge", call(raw, broker, pull(topic, HUGE)));
        return answers;
    }

    private static Answer call(NettyRemotingClient raw, BrokerNode broker, RemotingCommand request) throws Exception {
        return Answer.of(raw.invokeSync(broker.address(), request, 15_000));
    }

    private static RemotingCommand end(String group, long queueOffset, long commitLogOffset) {
        RemotingCommand r = RemotingCommand.createRequestCommand(RequestCode.END_TRANSACTION, null);
        r.addExtField("producerGroup", group);
        r.addExtField("tranStateTableOffset", Long.toString(queueOffset));
        r.addExtField("commitLogOffset", Long.toString(commitLogOffset));
        r.addExtField("commitOrRollback", "8");
        r.addExtField("fromTransactionCheck", "false");
        r.addExtField("msgId", "BAD-INPUT");
        return r;
    }

    private static RemotingCommand check(String topic, String expression) {
        SubscriptionData sub = new SubscriptionData(topic, expression);
        sub.setExpressionType(ExpressionType.SQL92);
        CheckClientRequestBody body = new CheckClientRequestBody();
        body.setClientId("bad-input@1");
        body.setGroup("CG_BAD_INPUT");
        body.setSubscriptionData(sub);
        RemotingCommand r = RemotingCommand.createRequestCommand(RequestCode.CHECK_CLIENT_CONFIG, null);
        r.setBody(body.encode());
        return r;
    }

    private static RemotingCommand pull(String topic, String expression) {
        RemotingCommand r = RemotingCommand.createRequestCommand(RequestCode.PULL_MESSAGE, null);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("consumerGroup", "CG_BAD_INPUT");
        h.put("topic", topic);
        h.put("queueId", "0");
        h.put("queueOffset", "0");
        h.put("maxMsgNums", "32");
        h.put("sysFlag", "4");
        h.put("commitOffset", "0");
        h.put("suspendTimeoutMillis", "0");
        h.put("subscription", expression);
        h.put("subVersion", "1");
        h.put("expressionType", ExpressionType.SQL92);
        h.forEach(r::addExtField);
        return r;
    }
}
