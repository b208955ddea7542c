package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQL92 on the wire, frame by frame: CHECK_CLIENT_CONFIG's answers, the pull refusals RocketMQ gives (23 for a
 * selector in the pull, 27 for a registered one that does not compile, SYSTEM_ERROR when property filtering
 * is off), a queue of only non-matching messages that a pull skips past, and hostile selectors (1 MiB,
 * 10,000 deep) at CHECK_CLIENT_CONFIG, HEART_BEAT and PULL_MESSAGE that are refused while another connection is
 * served as usual.
 */
@Timeout(60)
class SqlFilterWireTest {
    static final String TOPIC = "T_SQL_WIRE";
    static final int FLAG_SUBSCRIPTION = 0x4;

    @TempDir
    static Path dir;

    static Cluster cluster;
    static Cluster disabled;
    static RemotingClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir.resolve("on"));
        disabled = new Cluster(dir.resolve("off"), s -> s.withEnablePropertyFilter(false));
        client = new RemotingClient(RemotingClientConfig.defaults());
        for (Cluster c : List.of(cluster, disabled)) {
            RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
            assertThat(call(c, create).code()).isEqualTo(ResponseCode.SUCCESS);
        }
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (disabled != null) {
            disabled.close();
        }
    }

    static RemotingCommand call(Cluster c, RemotingCommand request) throws Exception {
        RemotingCommand response = client.invokeSync(c.brokerAddr(), request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }

    static Map<String, Object> subscription(String type, String expression) {
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("topic", TOPIC);
        sub.put("subString", expression);
        sub.put("expressionType", type);
        sub.put("subVersion", 1);
        sub.put("tagsSet", List.of());
        sub.put("codeSet", List.of());
        sub.put("classFilterMode", false);
        return sub;
    }

    static RemotingCommand check(String type, String expression) {
        return RemotingCommand.request(RequestCode.CHECK_CLIENT_CONFIG)
                .withBody(RemotingJson.encode(Map.of(
                        "clientId", "wire@1", "group", "CG_WIRE", "subscriptionData", subscription(type, expression))));
    }

    static RemotingCommand heartbeat(String group, String expression) {
        Map<String, Object> consumer = new LinkedHashMap<>();
        consumer.put("groupName", group);
        consumer.put("consumeType", "CONSUME_ACTIVELY");
        consumer.put("messageModel", "CLUSTERING");
        consumer.put("consumeFromWhere", "CONSUME_FROM_FIRST_OFFSET");
        consumer.put("unitMode", false);
        consumer.put("subscriptionDataSet", List.of(subscription("SQL92", expression)));
        return RemotingCommand.request(RequestCode.HEART_BEAT)
                .withBody(RemotingJson.encode(Map.of(
                        "clientID",
                        "wire@" + group,
                        "consumerDataSet",
                        List.of(consumer),
                        "producerDataSet",
                        List.of())));
    }

    static RemotingCommand pull(String group, long offset, String expressionInPull) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("consumerGroup", group);
        h.put("topic", TOPIC);
        h.put("queueId", "0");
        h.put("queueOffset", String.valueOf(offset));
        h.put("maxMsgNums", "32");
        h.put("commitOffset", "0");
        h.put("suspendTimeoutMillis", "0");
        h.put("subVersion", "1");
        h.put("expressionType", "SQL92");
        if (expressionInPull != null) {
            h.put("sysFlag", String.valueOf(FLAG_SUBSCRIPTION));
            h.put("subscription", expressionInPull);
        } else {
            h.put("sysFlag", "0");
        }
        return RemotingCommand.request(RequestCode.PULL_MESSAGE).withExtFields(h);
    }

    static void send(Cluster c, String properties) throws Exception {
        RemotingCommand r = call(c, sendRequest(properties));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        // The consume queue is written after the answer: wait until a pull can see the message.
        long stored = Long.parseLong(r.extField("queueOffset"));
        await().atMost(Duration.ofSeconds(5)).until(() -> maxOffset(c) > stored);
    }

    @Test
    void checkClientConfigAnswersAsRocketMq() throws Exception {
        assertThat(call(cluster, check("TAG", "*")).code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(call(cluster, check("SQL92", "a > 5 AND b = 'x'")).code()).isEqualTo(ResponseCode.SUCCESS);
        RemotingCommand bad = call(cluster, check("SQL92", "a > AND b = 'x'"));
        assertThat(bad.code()).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
        assertThat(bad.remark()).startsWith("Invalid MessageSelector. ").contains("position");
        assertThat(call(cluster, RemotingCommand.request(RequestCode.CHECK_CLIENT_CONFIG))
                        .code())
                .isEqualTo(ResponseCode.SUCCESS);
        RemotingCommand off = call(disabled, check("SQL92", "a > 5"));
        assertThat(off.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(off.remark()).contains("does not support consumer to filter message by SQL92");
        assertThat(call(disabled, check("TAG", "*")).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @Test
    void aQueueOfOnlyNonMatchingMessagesIsSkippedNotStuckOn() throws Exception {
        long start = maxOffset();
        for (int i = 0; i < 50; i++) {
            send(cluster, "a\u00011\u0002TAGS\u0001T");
        }
        RemotingCommand none = call(cluster, pull("CG_SKIP", start, "a = 2"));
        assertThat(none.code()).isEqualTo(ResponseCode.PULL_RETRY_IMMEDIATELY);
        assertThat(Long.parseLong(none.extField("nextBeginOffset"))).isEqualTo(start + 50);
        send(cluster, "a\u00012");
        RemotingCommand one = call(cluster, pull("CG_SKIP", start + 50, "a = 2"));
        assertThat(one.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(Long.parseLong(one.extField("nextBeginOffset"))).isEqualTo(start + 51);
        // TAGS is one of the properties a selector sees.
        RemotingCommand byTag = call(cluster, pull("CG_SKIP", start, "TAGS = 'T' AND a = 1"));
        assertThat(byTag.code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @Test
    void pullRefusalsFollowRocketMq() throws Exception {
        RemotingCommand inPull = call(cluster, pull("CG_BAD_PULL", 0, "a >"));
        assertThat(inPull.code()).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
        assertThat(inPull.remark()).contains("Invalid MessageSelector");
        // A heartbeat with a bad selector is accepted (so the client's other groups stay registered)...
        assertThat(call(cluster, heartbeat("CG_BAD_HB", "a = = 1")).code()).isEqualTo(ResponseCode.SUCCESS);
        // ...and its pulls are refused with FILTER_DATA_NOT_EXIST and the reason.
        RemotingCommand registered = call(cluster, pull("CG_BAD_HB", 0, null));
        assertThat(registered.code()).isEqualTo(ResponseCode.FILTER_DATA_NOT_EXIST);
        assertThat(registered.remark()).contains("Invalid MessageSelector");
        // A good registered selector filters.
        assertThat(call(cluster, heartbeat("CG_GOOD_HB", "a = 1")).code()).isEqualTo(ResponseCode.SUCCESS);
        send(cluster, "a\u00011");
        assertThat(call(cluster, pull("CG_GOOD_HB", 0, null)).code()).isEqualTo(ResponseCode.SUCCESS);
        // Property filtering off: SYSTEM_ERROR, as RocketMQ.
        RemotingCommand off = call(disabled, pull("CG_OFF", 0, "a = 1"));
        assertThat(off.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
    }

    @Test
    void hostileSelectorsAreRefusedQuicklyWhileAnotherConnectionIsServed() throws Exception {
        String huge = "a = '" + "x".repeat(1024 * 1024) + "'";
        String deep = "(".repeat(10_000) + "a = 1" + ")".repeat(10_000);
        String deepNots = "NOT ".repeat(7_000) + "a = 1";
        List<CompletableFuture<RemotingCommand>> hostile = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            hostile.add(client.invokeAsync(cluster.brokerAddr(), check("SQL92", huge), 10_000));
            hostile.add(client.invokeAsync(cluster.brokerAddr(), check("SQL92", deep), 10_000));
            hostile.add(client.invokeAsync(cluster.brokerAddr(), pull("CG_HOSTILE", 0, deepNots), 10_000));
        }
        try (RemotingClient other = new RemotingClient(RemotingClientConfig.defaults())) {
            long started = System.nanoTime();
            RemotingCommand offset = other.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                            .withExtFields(Map.of("topic", TOPIC, "queueId", "0")),
                    5000);
            assertThat(offset.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                    .isLessThan(2000);
        }
        for (CompletableFuture<RemotingCommand> f : hostile) {
            RemotingCommand r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.code()).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
            assertThat(r.remark())
                    .contains("Invalid MessageSelector. ")
                    .containsAnyOf("chars long", "deeper than")
                    .hasSizeLessThan(1000);
        }
        // The broker still answers the hostile connection too.
        assertThat(call(cluster, check("SQL92", "a = 1")).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    /**
     * The same hostile selectors where a consumer registers them (HEART_BEAT) and in a pull: the heartbeat is
     * accepted as RocketMQ accepts a bad selector there, and that group's pulls are refused with the reason;
     * the pulls carrying them are refused at once. Meanwhile sends on another connection keep their latency.
     */
    @Test
    void hostileSelectorsAtHeartbeatAndPullAreRefusedWhileSendsOnAnotherConnectionAreServed() throws Exception {
        String huge = "a = '" + "x".repeat(1024 * 1024) + "'";
        String deep = "(".repeat(10_000) + "a = 1" + ")".repeat(10_000);
        String deepNots = "NOT ".repeat(10_000) + "a = 1";
        List<CompletableFuture<RemotingCommand>> heartbeats = new ArrayList<>();
        List<CompletableFuture<RemotingCommand>> pulls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            heartbeats.add(client.invokeAsync(cluster.brokerAddr(), heartbeat("CG_HUGE_HB", huge), 10_000));
            heartbeats.add(client.invokeAsync(cluster.brokerAddr(), heartbeat("CG_DEEP_HB", deep), 10_000));
            pulls.add(client.invokeAsync(cluster.brokerAddr(), pull("CG_HOSTILE_PULL", 0, huge), 10_000));
            pulls.add(client.invokeAsync(cluster.brokerAddr(), pull("CG_HOSTILE_PULL", 0, deep), 10_000));
            pulls.add(client.invokeAsync(cluster.brokerAddr(), pull("CG_HOSTILE_PULL", 0, deepNots), 10_000));
        }
        try (RemotingClient other = new RemotingClient(RemotingClientConfig.defaults())) {
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                RemotingCommand sent = other.invokeSync(cluster.brokerAddr(), sendRequest("a\u00019"), 5000);
                assertThat(sent.code()).isEqualTo(ResponseCode.SUCCESS);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                        .isLessThan(2000);
            }
        }
        for (CompletableFuture<RemotingCommand> f : heartbeats) {
            assertThat(f.get(10, TimeUnit.SECONDS).code()).isEqualTo(ResponseCode.SUCCESS);
        }
        for (CompletableFuture<RemotingCommand> f : pulls) {
            RemotingCommand r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.code()).isEqualTo(ResponseCode.SUBSCRIPTION_PARSE_FAILED);
            // The selector is echoed abbreviated: the answer to a 1 MiB selector is short.
            assertThat(r.remark())
                    .contains("Invalid MessageSelector. ")
                    .containsAnyOf("chars long", "deeper than")
                    .hasSizeLessThan(1000);
        }
        for (String group : List.of("CG_HUGE_HB", "CG_DEEP_HB")) {
            RemotingCommand registered = call(cluster, pull(group, 0, null));
            assertThat(registered.code()).isEqualTo(ResponseCode.FILTER_DATA_NOT_EXIST);
            assertThat(registered.remark())
                    .contains("Invalid MessageSelector")
                    .containsAnyOf("chars long", "deeper than")
                    .hasSizeLessThan(1000);
        }
    }

    static RemotingCommand sendRequest(String properties) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", "PG_WIRE");
        h.put("b", TOPIC);
        h.put("c", "TBW102");
        h.put("d", "1");
        h.put("e", "0");
        h.put("f", "0");
        h.put("g", "1700000000000");
        h.put("h", "0");
        h.put("i", properties);
        return RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .withExtFields(h)
                .withBody("body".getBytes(StandardCharsets.UTF_8));
    }

    static long maxOffset() throws Exception {
        return maxOffset(cluster);
    }

    static long maxOffset(Cluster c) throws Exception {
        RemotingCommand r = call(
                c,
                RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                        .withExtFields(Map.of("topic", TOPIC, "queueId", "0")));
        return Long.parseLong(r.extField("offset"));
    }
}
