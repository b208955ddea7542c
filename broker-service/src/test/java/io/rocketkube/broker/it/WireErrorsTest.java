package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.message.BatchBodyDecoder;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.SerializeType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input on the wire: each request gets the documented error code with its own opaque, nothing of it is
 * applied, and the same connection keeps serving.
 */
@Timeout(60)
class WireErrorsTest {
    static final String TOPIC = "T_WIRE";

    @TempDir
    static Path dir;

    static Cluster cluster;
    static RemotingClient client;

    @BeforeAll
    static void start() throws Exception {
        // Groups are not auto-created here, so that an unknown group is an error.
        cluster = new Cluster(dir, s -> s.withAutoCreate(true, false));
        client = new RemotingClient(RemotingClientConfig.defaults());
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(call(create, SerializeType.JSON).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static RemotingCommand call(RemotingCommand request, SerializeType type) throws Exception {
        request.withSerializeType(type);
        RemotingCommand response = client.invokeSync(cluster.brokerAddr(), request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }

    static Map<String, String> sendHeader(String topic) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_WIRE");
        h.put("b", topic);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", "TAGS\u0001TagA");
        return h;
    }

    static long maxOffset() throws Exception {
        RemotingCommand r = call(
                RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                        .withExtFields(Map.of("topic", TOPIC, "queueId", "0")),
                SerializeType.JSON);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return Long.parseLong(r.extField("offset"));
    }

    /** One bad request per row: its code, and the connection still answers. */
    enum Bad {
        MISSING_TOPIC(ResponseCode.SYSTEM_ERROR, "<b>") {
            RemotingCommand request() {
                Map<String, String> h = sendHeader(TOPIC);
                h.remove("b");
                return send(h, new byte[] {1});
            }
        },
        NON_NUMERIC_QUEUE_ID(ResponseCode.SYSTEM_ERROR, "<e>") {
            RemotingCommand request() {
                Map<String, String> h = sendHeader(TOPIC);
                h.put("e", "zero");
                return send(h, new byte[] {1});
            }
        },
        UNKNOWN_TOPIC_WITHOUT_TEMPLATE(ResponseCode.TOPIC_NOT_EXIST, "not exist") {
            RemotingCommand request() {
                Map<String, String> h = sendHeader("T_NOWHERE");
                h.put("c", "NO_SUCH_TEMPLATE");
                return send(h, new byte[] {1});
            }
        },
        OFFSET_COMMIT_TO_A_QUEUE_THE_TOPIC_HAS_NOT(ResponseCode.SYSTEM_ERROR, "out of range") {
            RemotingCommand request() {
                return commitOffset("99999", "5");
            }
        },
        OFFSET_COMMIT_TO_A_NEGATIVE_QUEUE(ResponseCode.SYSTEM_ERROR, "out of range") {
            RemotingCommand request() {
                return commitOffset("-1", "5");
            }
        },
        NEGATIVE_OFFSET_COMMIT(ResponseCode.SYSTEM_ERROR, "negative") {
            RemotingCommand request() {
                return commitOffset("0", String.valueOf(Long.MIN_VALUE));
            }
        },
        PREPARED_SYSFLAG_WITHOUT_A_HALF(ResponseCode.MESSAGE_ILLEGAL, "no half message") {
            RemotingCommand request() {
                Map<String, String> h = sendHeader(TOPIC);
                h.put("f", "4");
                return send(h, new byte[] {1});
            }
        },
        ILLEGAL_TOPIC_NAME(ResponseCode.SYSTEM_ERROR, "illegal") {
            RemotingCommand request() {
                return send(sendHeader("bad topic!"), new byte[] {1});
            }
        },
        OVERSIZE_BODY(ResponseCode.MESSAGE_ILLEGAL, "body size") {
            RemotingCommand request() {
                return send(sendHeader(TOPIC), new byte[4 * 1024 * 1024 + 1]);
            }
        },
        MALFORMED_BATCH(ResponseCode.MESSAGE_ILLEGAL, "malformed batch") {
            RemotingCommand request() {
                ByteBuffer good = BatchBodyDecoder.encode(List.of(
                        new BatchBodyDecoder.Entry(0, ByteBuffer.wrap(new byte[] {1, 2}), "TAGS\u0001A"),
                        new BatchBodyDecoder.Entry(0, ByteBuffer.wrap(new byte[] {3}), "TAGS\u0001B")));
                byte[] body = new byte[good.remaining() - 3];
                good.get(body);
                Map<String, String> h = sendHeader(TOPIC);
                h.put("m", "true");
                return RemotingCommand.request(RequestCode.SEND_BATCH_MESSAGE)
                        .withExtFields(h)
                        .withBody(body);
            }
        },
        PULL_UNKNOWN_TOPIC(ResponseCode.TOPIC_NOT_EXIST, "not exist") {
            RemotingCommand request() {
                return pull("T_NOWHERE", "TOOLS_CONSUMER");
            }
        },
        PULL_UNKNOWN_GROUP(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "CG_NOBODY") {
            RemotingCommand request() {
                return pull(TOPIC, "CG_NOBODY");
            }
        },
        PULL_WITHOUT_HEARTBEAT(ResponseCode.SUBSCRIPTION_NOT_EXIST, "group info not exist") {
            RemotingCommand request() {
                return pull(TOPIC, "TOOLS_CONSUMER");
            }
        },
        OFFSET_QUERY_WITHOUT_QUEUE(ResponseCode.SYSTEM_ERROR, "<queueId>") {
            RemotingCommand request() {
                return RemotingCommand.request(RequestCode.QUERY_CONSUMER_OFFSET)
                        .withExtFields(Map.of("consumerGroup", "TOOLS_CONSUMER", "topic", TOPIC));
            }
        },
        HEARTBEAT_NOT_JSON(ResponseCode.SYSTEM_ERROR, "HeartbeatData") {
            RemotingCommand request() {
                return RemotingCommand.request(RequestCode.HEART_BEAT).withBody("{not json");
            }
        },
        TOPIC_BAD_PERM(ResponseCode.SYSTEM_ERROR, "perm") {
            RemotingCommand request() {
                return RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                        .withExtFields(Map.of(
                                "topic",
                                "T_BAD_PERM",
                                "defaultTopic",
                                "TBW102",
                                "readQueueNums",
                                "1",
                                "writeQueueNums",
                                "1",
                                "perm",
                                "99",
                                "topicFilterType",
                                "SINGLE_TAG",
                                "order",
                                "false"));
            }
        },
        UNKNOWN_CODE(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, "not supported") {
            RemotingCommand request() {
                return RemotingCommand.request(9999);
            }
        };

        final int code;
        final String remark;

        Bad(int code, String remark) {
            this.code = code;
            this.remark = remark;
        }

        abstract RemotingCommand request();

        static RemotingCommand commitOffset(String queueId, String offset) {
            return RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                    .withExtFields(Map.of(
                            "consumerGroup", "CG_WIRE", "topic", TOPIC, "queueId", queueId, "commitOffset", offset));
        }

        static RemotingCommand send(Map<String, String> header, byte[] body) {
            return RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                    .withExtFields(header)
                    .withBody(body);
        }

        static RemotingCommand pull(String topic, String group) {
            return RemotingCommand.request(RequestCode.PULL_MESSAGE)
                    .withExtFields(Map.of(
                            "consumerGroup",
                            group,
                            "topic",
                            topic,
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
                            "0"));
        }
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void badRequestGetsItsCodeNothingIsAppliedAndTheConnectionStaysUsable(Bad bad) throws Exception {
        for (SerializeType type : SerializeType.values()) {
            long before = maxOffset();
            RemotingCommand response = call(bad.request(), type);
            assertThat(response.code()).as(bad + " over " + type).isEqualTo(bad.code);
            assertThat(response.remark()).contains(bad.remark);
            assertThat(maxOffset()).isEqualTo(before);
        }
    }

    @Test
    void aValidSendAfterTheErrorsIsStored() throws Exception {
        long before = maxOffset();
        RemotingCommand response = call(Bad.send(sendHeader(TOPIC), new byte[] {42}), SerializeType.ROCKETMQ);
        assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(response.extFields()).containsKeys("msgId", "queueId", "queueOffset", "MSG_REGION", "TRACE_ON");
        org.awaitility.Awaitility.await().until(() -> maxOffset() == before + 1);
    }
}
