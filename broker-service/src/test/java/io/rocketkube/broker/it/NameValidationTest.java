package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.HeartbeatData;
import io.rocketkube.client.protocol.LockBatchBody;
import io.rocketkube.client.protocol.MessageQueue;
import io.rocketkube.client.protocol.ProducerData;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Names that would be paths: a topic names ConsumeQueue directories and a group names its retry topic, so
 * a {@code /} or {@code ..} in either used to walk out of the store directory (issue 16). Every request
 * carrying a name must refuse an illegal one with SYSTEM_ERROR and its own opaque, leave the whole
 * temporary directory (store, config files, NameServer) exactly as it was, and the broker keeps serving.
 */
@Timeout(120)
class NameValidationTest {
    static final String TOPIC = "T_NAMES";
    static final String GROUP = "CG_NAMES";
    static final String WALKING_GROUP = "x/../../..";
    static final String WALKING_TOPIC = "x/../../..";

    @TempDir
    static Path dir;

    static Cluster cluster;
    static RemotingClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir);
        client = new RemotingClient(RemotingClientConfig.defaults());
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(call(create).code()).isEqualTo(ResponseCode.SUCCESS);
        sendOneAndWaitForDispatch();
        // The config files exist from here on, so the attacks have something to aim at.
        cluster.restartBroker();
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

    static RemotingCommand call(RemotingCommand request) throws Exception {
        RemotingCommand response = client.invokeSync(cluster.brokerAddr(), request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }

    static long maxOffset() throws Exception {
        RemotingCommand r = call(RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                .withExtFields(Map.of("topic", TOPIC, "queueId", "0")));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return Long.parseLong(r.extField("offset"));
    }

    /** A valid send, dispatched: also a barrier behind any dispatch an earlier request started. */
    static void sendOneAndWaitForDispatch() throws Exception {
        long before = maxOffset();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_NAMES");
        h.put("b", TOPIC);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", "TAGS\u0001TagA");
        RemotingCommand r = call(RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .withExtFields(h)
                .withBody(new byte[] {42}));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        Awaitility.await().until(() -> maxOffset() == before + 1);
    }

    /**
     * Every path under the temporary directory, with the bytes of every file outside the CommitLog. The
     * periodic offset persistence writes a {@code .tmp} sibling and renames it over its file, so such
     * siblings, and files that vanish between the listing and the read, are not part of the picture.
     */
    static Map<String, String> tree() {
        for (int attempt = 1; ; attempt++) {
            try {
                return walkTree();
            } catch (UncheckedIOException e) {
                // A .tmp sibling renamed away while the walk looked at it; the next walk does not see it.
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, String> walkTree() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.forEach(p -> {
                String key = dir.relativize(p).toString();
                if (key.endsWith(".tmp")) {
                    return;
                }
                try {
                    if (Files.isDirectory(p)) {
                        out.put(key, "dir");
                    } else if (key.contains("commitlog")
                            || key.contains("consumequeue")
                            || key.contains("index")
                            || key.contains("checkpoint")) {
                        out.put(key, "file " + Files.size(p));
                    } else {
                        out.put(key, java.util.Arrays.toString(Files.readAllBytes(p)));
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // replaced or removed while we walked; the next picture has it again if it belongs
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static void assertRefusedAndNothingTouched(RemotingCommand request) throws Exception {
        assertRefusedAndNothingTouched(request, "illegal characters");
    }

    static void assertRefusedAndNothingTouched(RemotingCommand request, String why) throws Exception {
        Map<String, String> before = tree();
        RemotingCommand response = call(request);
        assertThat(response.code()).as("answer to %s", request.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(response.remark()).contains(why);
        sendOneAndWaitForDispatch();
        Map<String, String> after = tree();
        assertThat(after.keySet()).as("paths after request %s", request.code()).isEqualTo(before.keySet());
        before.forEach((path, content) -> {
            if (!content.startsWith("file ") && !content.equals("dir")) {
                assertThat(after.get(path)).as("content of %s", path).isEqualTo(content);
            }
        });
    }

    static RemotingCommand sendBack(String group, String originTopic) {
        return RemotingCommand.request(RequestCode.CONSUMER_SEND_MSG_BACK)
                .withExtFields(Map.of(
                        "offset",
                        "0",
                        "group",
                        group,
                        "delayLevel",
                        "0",
                        "originTopic",
                        originTopic,
                        "maxReconsumeTimes",
                        "16"));
    }

    static byte[] heartbeat(String group, String topic, String producerGroup) {
        SubscriptionData sub = SubscriptionData.ofTags(topic, "*", 1);
        ConsumerData consumer = new ConsumerData(
                group, "CONSUME_PASSIVELY", ConsumerData.CLUSTERING, "CONSUME_FROM_LAST_OFFSET", List.of(sub), false);
        return RemotingJson.encode(
                new HeartbeatData("client-names", List.of(new ProducerData(producerGroup)), List.of(consumer)));
    }

    @Test
    void sendBackWithAWalkingGroupIsRefusedAndCreatesNothing() throws Exception {
        assertRefusedAndNothingTouched(sendBack(WALKING_GROUP, TOPIC));
    }

    /**
     * A legal group of 121 to 255 characters makes a retry topic beyond 127: refused before anything is stored,
     * not accepted and then refused by the store each time the delay service tries to deliver it.
     */
    @Test
    void sendBackWhoseRetryTopicWouldBeTooLongIsRefusedAndCreatesNothing() throws Exception {
        assertRefusedAndNothingTouched(sendBack("g".repeat(121), TOPIC), "longer than topic max length");
    }

    /**
     * A group's retry topic is created with its retryQueueNums queues at the next heartbeat: 2^31 of them
     * made GET_TOPIC_STATS_INFO for it run the broker out of heap. Refused as a topic of that size is.
     */
    @Test
    void aGroupWithMoreRetryQueuesThanATopicMayHaveIsRefusedAndChangesNothing() throws Exception {
        for (int queues : new int[] {Integer.MAX_VALUE, 1025, -1}) {
            assertRefusedAndNothingTouched(
                    RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP)
                            .withBody("{\"groupName\":\"CG_QUEUES\",\"retryQueueNums\":" + queues + "}"),
                    "retryQueueNums must be within [0, 1024]");
        }
    }

    @Test
    void heartbeatWithAWalkingGroupIsRefusedWhole() throws Exception {
        assertRefusedAndNothingTouched(
                RemotingCommand.request(RequestCode.HEART_BEAT).withBody(heartbeat(WALKING_GROUP, TOPIC, "PG_OK")));
        // Nothing of it was applied: the good producer group of the same heartbeat is not registered.
        RemotingCommand producers = call(RemotingCommand.request(RequestCode.GET_PRODUCER_CONNECTION_LIST)
                .withExtFields(Map.of("producerGroup", "PG_OK")));
        assertThat(producers.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(producers.remark()).contains("not exist");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../../config/topics.rkc",
                "../commitlog/00000000000000000000",
                "../../store/commitlog/00000000000000000000",
                "../../config",
                "..",
                "T_NAMES/0/00000000000000000000"
            })
    void deleteTopicAimedAtAFileIsRefusedAndDeletesNothing(String topic) throws Exception {
        assertThat(Files.exists(dir.resolve("broker/config/topics.rkc"))).isTrue();
        assertRefusedAndNothingTouched(
                RemotingCommand.request(RequestCode.DELETE_TOPIC_IN_BROKER).withExtFields(Map.of("topic", topic)));
        assertThat(Files.exists(dir.resolve("broker/config/topics.rkc"))).isTrue();
        assertThat(Files.exists(dir.resolve("broker/store/commitlog/00000000000000000000")))
                .isTrue();
    }

    /** One request per covered code, each carrying an illegal name where the code takes one. */
    enum Covered {
        SEND_MESSAGE(RequestCode.SEND_MESSAGE) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of(
                                "producerGroup",
                                "PG",
                                "topic",
                                WALKING_TOPIC,
                                "defaultTopic",
                                "TBW102",
                                "defaultTopicQueueNums",
                                "4",
                                "queueId",
                                "0",
                                "sysFlag",
                                "0",
                                "bornTimestamp",
                                "1",
                                "flag",
                                "0"))
                        .withBody(new byte[] {1});
            }
        },
        SEND_MESSAGE_V2(RequestCode.SEND_MESSAGE_V2) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(v2(WALKING_TOPIC, "PG"))
                        .withBody(new byte[] {1});
            }
        },
        SEND_V2_BAD_PRODUCER_GROUP(RequestCode.SEND_MESSAGE_V2) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(v2(TOPIC, WALKING_GROUP))
                        .withBody(new byte[] {1});
            }
        },
        SEND_BATCH_MESSAGE(RequestCode.SEND_BATCH_MESSAGE) {
            RemotingCommand request() {
                Map<String, String> h = v2(WALKING_TOPIC, "PG");
                h.put("m", "true");
                return RemotingCommand.request(code)
                        .withExtFields(h)
                        .withBody(io.rocketkube.client.message.BatchBodyDecoder.encode(
                                        List.of(new io.rocketkube.client.message.BatchBodyDecoder.Entry(
                                                0, java.nio.ByteBuffer.wrap(new byte[] {1}), "TAGS\u0001A")))
                                .array());
            }
        },
        SEND_BACK_GROUP(RequestCode.CONSUMER_SEND_MSG_BACK) {
            RemotingCommand request() {
                return sendBack(WALKING_GROUP, TOPIC);
            }
        },
        SEND_BACK_ORIGIN_TOPIC(RequestCode.CONSUMER_SEND_MSG_BACK) {
            RemotingCommand request() {
                return sendBack(GROUP, WALKING_TOPIC);
            }
        },
        HEARTBEAT_CONSUMER_GROUP(RequestCode.HEART_BEAT) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withBody(heartbeat(WALKING_GROUP, TOPIC, "PG"));
            }
        },
        HEARTBEAT_SUBSCRIPTION_TOPIC(RequestCode.HEART_BEAT) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withBody(heartbeat(GROUP, WALKING_TOPIC, "PG"));
            }
        },
        HEARTBEAT_PRODUCER_GROUP(RequestCode.HEART_BEAT) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withBody(heartbeat(GROUP, TOPIC, WALKING_GROUP));
            }
        },
        UNREGISTER_CONSUMER(RequestCode.UNREGISTER_CLIENT) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of("clientID", "c", "consumerGroup", WALKING_GROUP));
            }
        },
        UNREGISTER_PRODUCER(RequestCode.UNREGISTER_CLIENT) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of("clientID", "c", "producerGroup", WALKING_GROUP));
            }
        },
        CONSUMER_LIST(RequestCode.GET_CONSUMER_LIST_BY_GROUP) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("consumerGroup", WALKING_GROUP));
            }
        },
        PULL_TOPIC(RequestCode.PULL_MESSAGE) {
            RemotingCommand request() {
                return pull(code, WALKING_TOPIC, GROUP);
            }
        },
        PULL_GROUP(RequestCode.PULL_MESSAGE) {
            RemotingCommand request() {
                return pull(code, TOPIC, WALKING_GROUP);
            }
        },
        LITE_PULL(RequestCode.LITE_PULL_MESSAGE) {
            RemotingCommand request() {
                return pull(code, WALKING_TOPIC, WALKING_GROUP);
            }
        },
        QUERY_CONSUMER_OFFSET(RequestCode.QUERY_CONSUMER_OFFSET) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of("consumerGroup", WALKING_GROUP, "topic", TOPIC, "queueId", "0"));
            }
        },
        UPDATE_CONSUMER_OFFSET(RequestCode.UPDATE_CONSUMER_OFFSET) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of(
                                "consumerGroup", GROUP, "topic", WALKING_TOPIC, "queueId", "0", "commitOffset", "1"));
            }
        },
        SEARCH_OFFSET(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP) {
            RemotingCommand request() {
                return queueRequest(code).withExtField("timestamp", 1);
            }
        },
        GET_MAX_OFFSET(RequestCode.GET_MAX_OFFSET) {
            RemotingCommand request() {
                return queueRequest(code);
            }
        },
        GET_MIN_OFFSET(RequestCode.GET_MIN_OFFSET) {
            RemotingCommand request() {
                return queueRequest(code);
            }
        },
        GET_EARLIEST_MSG_STORETIME(RequestCode.GET_EARLIEST_MSG_STORETIME) {
            RemotingCommand request() {
                return queueRequest(code);
            }
        },
        LOCK_GROUP(RequestCode.LOCK_BATCH_MQ) {
            RemotingCommand request() {
                return lock(code, WALKING_GROUP, TOPIC);
            }
        },
        LOCK_TOPIC(RequestCode.LOCK_BATCH_MQ) {
            RemotingCommand request() {
                return lock(code, GROUP, WALKING_TOPIC);
            }
        },
        UNLOCK(RequestCode.UNLOCK_BATCH_MQ) {
            RemotingCommand request() {
                return lock(code, WALKING_GROUP, WALKING_TOPIC);
            }
        },
        CREATE_TOPIC(RequestCode.UPDATE_AND_CREATE_TOPIC) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of(
                                "topic",
                                WALKING_TOPIC,
                                "defaultTopic",
                                "TBW102",
                                "readQueueNums",
                                "1",
                                "writeQueueNums",
                                "1",
                                "perm",
                                "6",
                                "topicFilterType",
                                "SINGLE_TAG",
                                "order",
                                "false"));
            }
        },
        DELETE_TOPIC(RequestCode.DELETE_TOPIC_IN_BROKER) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("topic", WALKING_TOPIC));
            }
        },
        GET_TOPIC_CONFIG(RequestCode.GET_TOPIC_CONFIG) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("topic", WALKING_TOPIC));
            }
        },
        CREATE_GROUP(RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withBody(RemotingJson.encode(SubscriptionGroupConfig.defaults(WALKING_GROUP)));
            }
        },
        DELETE_GROUP(RequestCode.DELETE_SUBSCRIPTIONGROUP) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of("groupName", WALKING_GROUP, "removeOffset", "true"));
            }
        },
        GET_GROUP_CONFIG(352) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("group", WALKING_GROUP));
            }
        },
        TOPIC_STATS(RequestCode.GET_TOPIC_STATS_INFO) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("topic", WALKING_TOPIC));
            }
        },
        CONSUME_STATS_GROUP(RequestCode.GET_CONSUME_STATS) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("consumerGroup", WALKING_GROUP));
            }
        },
        CONSUME_STATS_TOPIC(RequestCode.GET_CONSUME_STATS) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of("consumerGroup", GROUP, "topic", WALKING_TOPIC));
            }
        },
        CONSUMER_CONNECTIONS(RequestCode.GET_CONSUMER_CONNECTION_LIST) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("consumerGroup", WALKING_GROUP));
            }
        },
        PRODUCER_CONNECTIONS(RequestCode.GET_PRODUCER_CONNECTION_LIST) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("producerGroup", WALKING_GROUP));
            }
        },
        CONSUMED_BY_WHO(RequestCode.QUERY_TOPIC_CONSUME_BY_WHO) {
            RemotingCommand request() {
                return RemotingCommand.request(code).withExtFields(Map.of("topic", WALKING_TOPIC));
            }
        },
        QUERY_MESSAGE(RequestCode.QUERY_MESSAGE) {
            RemotingCommand request() {
                return RemotingCommand.request(code)
                        .withExtFields(Map.of(
                                "topic",
                                WALKING_TOPIC,
                                "key",
                                "k",
                                "maxNum",
                                "32",
                                "beginTimestamp",
                                "0",
                                "endTimestamp",
                                String.valueOf(Long.MAX_VALUE)));
            }
        };

        final int code;

        Covered(int code) {
            this.code = code;
        }

        abstract RemotingCommand request();

        static Map<String, String> v2(String topic, String producerGroup) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("a", producerGroup);
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

        static RemotingCommand pull(int code, String topic, String group) {
            return RemotingCommand.request(code)
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
                            "4",
                            "commitOffset",
                            "0",
                            "suspendTimeoutMillis",
                            "0",
                            "subscription",
                            "*",
                            "subVersion",
                            "0"));
        }

        static RemotingCommand queueRequest(int code) {
            return RemotingCommand.request(code).withExtFields(Map.of("topic", WALKING_TOPIC, "queueId", "0"));
        }

        static RemotingCommand lock(int code, String group, String topic) {
            return RemotingCommand.request(code)
                    .withBody(RemotingJson.encode(
                            new LockBatchBody(group, "client-names", Set.of(new MessageQueue(topic, "broker-a", 0)))));
        }
    }

    @ParameterizedTest
    @EnumSource(Covered.class)
    void everyRequestCarryingANameRefusesAnIllegalOne(Covered covered) throws Exception {
        assertRefusedAndNothingTouched(covered.request());
    }
}
