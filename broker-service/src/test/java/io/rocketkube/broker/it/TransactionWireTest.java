package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.TransactionSettings;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * END_TRANSACTION on the wire, answered (not oneway) so the test sees each refusal: unknown and mid-record
 * offsets, a forged commit of an ordinary message, a wrong group or queue offset, an unknown outcome code, and a
 * second commit of a settled half. Each is a SYSTEM_ERROR with its own opaque and a remark saying why, nothing is
 * written, and the connection keeps serving. The meters count what happened.
 */
@Timeout(60)
class TransactionWireTest {
    private static final String TOPIC = "T_TX_WIRE";
    private static final String GROUP = "PG_TX_WIRE";

    @TempDir
    Path dir;

    private NameServer nameServer;
    private Broker broker;
    private RemotingClient client;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() throws Exception {
        nameServer =
                new NameServer(NameServerSettings.forTest(Cluster.HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        // No check-back during the test: the halves stay open until the test settles them.
        BrokerSettings settings = BrokerSettings.forTest(Cluster.HOST, dir.resolve("broker"), nameServer.address())
                .withTransaction(new TransactionSettings(Duration.ofMinutes(10), Duration.ofMinutes(10), 15));
        broker = Broker.open(settings, Clock.systemUTC(), DefaultMessageStore::open, meters);
        broker.start();
        client = new RemotingClient(RemotingClientConfig.defaults());
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(call(create).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (nameServer != null) {
            nameServer.close();
        }
    }

    @Test
    void badEndTransactionsAreRefusedWithAReasonAndNothingIsWritten() throws Exception {
        Sent half = send(true, "UNIQ-HALF-1");
        Sent plain = send(false, "UNIQ-PLAIN-1");
        awaitMax(TOPIC, 1);

        expectRefused(end(GROUP, half.queueOffset, 1L << 40, 8), "no message starts at commitLogOffset");
        expectRefused(end(GROUP, half.queueOffset, -1, 8), "no message starts at commitLogOffset");
        expectRefused(end(GROUP, half.queueOffset, half.commitLogOffset + 1, 8), "no message starts");
        expectRefused(end(GROUP, plain.queueOffset, plain.commitLogOffset, 8), "is not a transactional half message");
        expectRefused(end("PG_SOMEONE_ELSE", half.queueOffset, half.commitLogOffset, 8), "producer group wrong");
        expectRefused(
                end(GROUP, half.queueOffset + 5, half.commitLogOffset, 8), "transaction state table offset wrong");
        expectRefused(end(GROUP, half.queueOffset, half.commitLogOffset, 5), "commitOrRollback 5");
        RemotingCommand missing = end(GROUP, half.queueOffset, half.commitLogOffset, 8);
        missing.extFields().remove("commitLogOffset");
        expectRefused(missing, "<commitLogOffset>");
        awaitMax(TOPIC, 1);
        awaitMax("RMQ_SYS_TRANS_OP_HALF_TOPIC", 0);

        RemotingCommand commit = end(GROUP, half.queueOffset, half.commitLogOffset, 8);
        assertThat(call(commit).code()).isEqualTo(ResponseCode.SUCCESS);
        awaitMax(TOPIC, 2);
        awaitMax("RMQ_SYS_TRANS_OP_HALF_TOPIC", 1);

        expectRefused(end(GROUP, half.queueOffset, half.commitLogOffset, 8), "is already committed");
        expectRefused(end(GROUP, half.queueOffset, half.commitLogOffset, 12), "is already committed");
        // Oneway, as the client sends it: dropped silently, still nothing written, the connection still serves.
        client.invokeOneway(broker.address(), end(GROUP, half.queueOffset, half.commitLogOffset, 8));
        awaitMax(TOPIC, 2);
        awaitMax("RMQ_SYS_TRANS_OP_HALF_TOPIC", 1);

        Sent rolledBack = send(true, "UNIQ-HALF-2");
        assertThat(call(end(GROUP, rolledBack.queueOffset, rolledBack.commitLogOffset, 12))
                        .code())
                .isEqualTo(ResponseCode.SUCCESS);
        expectRefused(end(GROUP, rolledBack.queueOffset, rolledBack.commitLogOffset, 8), "is already rolled back");
        awaitMax(TOPIC, 2);

        assertThat(meters.get("rocketkube.broker.transaction.commits").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("rocketkube.broker.transaction.rollbacks")
                        .counter()
                        .count())
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> meters.get("rocketkube.broker.transaction.end.refused")
                                .counter()
                                .count()
                        == 12);
        assertThat(meters.get("rocketkube.broker.transaction.half.records")
                        .gauge()
                        .value())
                .isEqualTo(2);
        assertThat(meters.get("rocketkube.broker.transaction.op.records")
                        .gauge()
                        .value())
                .isEqualTo(2);
    }

    @Test
    void aHalfIsInvisibleInItsTopicAndTheSendAnswerNamesTheHalfRecord() throws Exception {
        Sent half = send(true, "UNIQ-HALF-3");
        awaitMax(TOPIC, 0);
        awaitMax("RMQ_SYS_TRANS_HALF_TOPIC", 1);
        assertThat(half.queueOffset).isZero();
        assertThat(half.queueId)
                .as("the answer names the queue the producer chose")
                .isEqualTo(0);

        // As the reference's, the half topic and, from the first settlement, the op topic have configs, and so
        // routes on the NameServer that mqadmin (topicStatus, queryMsgByKey) can use.
        assertThat(call(end(GROUP, half.queueOffset, half.commitLogOffset, 8)).code())
                .isEqualTo(ResponseCode.SUCCESS);
        for (String systemTopic : new String[] {"RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC"}) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                RemotingCommand route = client.invokeSync(
                        nameServer.address(),
                        RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC)
                                .withExtFields(java.util.Map.of("topic", systemTopic)),
                        5000);
                assertThat(route.code()).as(systemTopic).isEqualTo(ResponseCode.SUCCESS);
            });
        }
    }

    /**
     * A burst of the three bad END_TRANSACTIONs (unknown offset, the settled half again, a forged commit of an
     * ordinary message) on one connection: every one is refused with its own opaque, nothing is written, and
     * sends on another connection are answered as promptly as before.
     */
    @Test
    void aBurstOfBadEndTransactionsStallsNoOtherConnection() throws Exception {
        Sent half = send(true, "UNIQ-HALF-B");
        Sent plain = send(false, "UNIQ-PLAIN-B");
        assertThat(call(end(GROUP, half.queueOffset, half.commitLogOffset, 8)).code())
                .isEqualTo(ResponseCode.SUCCESS);
        awaitMax(TOPIC, 2);
        List<RemotingCommand> bad = new ArrayList<>();
        List<CompletableFuture<RemotingCommand>> answers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            RemotingCommand request = switch (i % 3) {
                case 0 -> end(GROUP, i, (1L << 40) + i, 8);
                case 1 -> end(GROUP, half.queueOffset, half.commitLogOffset, i % 2 == 0 ? 8 : 12);
                default -> end(GROUP, plain.queueOffset, plain.commitLogOffset, 8);
            };
            bad.add(request);
            answers.add(client.invokeAsync(broker.address(), request, 10_000));
        }
        try (RemotingClient other = new RemotingClient(RemotingClientConfig.defaults())) {
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                RemotingCommand r = other.invokeSync(broker.address(), sendRequest(false, "UNIQ-OTHER-" + i), 5000);
                assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                        .isLessThan(2000);
            }
        }
        for (int i = 0; i < answers.size(); i++) {
            RemotingCommand r = answers.get(i).get(10, TimeUnit.SECONDS);
            assertThat(r.opaque()).isEqualTo(bad.get(i).opaque());
            assertThat(r.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
            assertThat(r.remark())
                    .contains(
                            switch (i % 3) {
                                case 0 -> "no message starts at commitLogOffset";
                                case 1 -> "is already committed";
                                default -> "is not a transactional half message";
                            });
        }
        // The commit, the plain message and the five other sends; one op record.
        awaitMax(TOPIC, 7);
        awaitMax("RMQ_SYS_TRANS_OP_HALF_TOPIC", 1);
        assertThat(meters.get("rocketkube.broker.transaction.commits").counter().count())
                .isEqualTo(1);
    }

    private record Sent(long queueOffset, long commitLogOffset, int queueId) {}

    private Sent send(boolean half, String uniqKey) throws Exception {
        RemotingCommand r = call(sendRequest(half, uniqKey));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return new Sent(
                Long.parseLong(r.extField("queueOffset")),
                OffsetMsgId.decode(r.extField("msgId")).physicalOffset(),
                Integer.parseInt(r.extField("queueId")));
    }

    private static RemotingCommand sendRequest(boolean half, String uniqKey) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("a", GROUP);
        h.put("b", TOPIC);
        h.put("c", "TBW102");
        h.put("d", "4");
        h.put("e", "0");
        h.put("f", half ? "4" : "0");
        h.put("g", String.valueOf(System.currentTimeMillis()));
        h.put("h", "0");
        h.put(
                "i",
                "TAGS\u0001TagA\u0002UNIQ_KEY\u0001" + uniqKey
                        + (half ? "\u0002TRAN_MSG\u0001true\u0002PGROUP\u0001" + GROUP : ""));
        return RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                .withExtFields(h)
                .withBody(new byte[] {1, 2, 3});
    }

    private static RemotingCommand end(String group, long tranStateTableOffset, long commitLogOffset, int type) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("producerGroup", group);
        h.put("tranStateTableOffset", String.valueOf(tranStateTableOffset));
        h.put("commitLogOffset", String.valueOf(commitLogOffset));
        h.put("commitOrRollback", String.valueOf(type));
        h.put("fromTransactionCheck", "false");
        h.put("msgId", "UNIQ");
        return RemotingCommand.request(RequestCode.END_TRANSACTION).withExtFields(h);
    }

    private void expectRefused(RemotingCommand request, String remark) throws Exception {
        RemotingCommand r = call(request);
        assertThat(r.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(r.remark()).contains(remark);
    }

    /** The queue's max offset reaches {@code expected} (dispatch to the ConsumeQueue is asynchronous). */
    private void awaitMax(String topic, long expected) {
        await().atMost(Duration.ofSeconds(5)).until(() -> maxOffset(topic) == expected);
    }

    private long maxOffset(String topic) throws Exception {
        RemotingCommand r = call(RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                .withExtFields(Map.of("topic", topic, "queueId", "0")));
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        return Long.parseLong(r.extField("offset"));
    }

    private RemotingCommand call(RemotingCommand request) throws Exception {
        RemotingCommand response = client.invokeSync(broker.address(), request, 5000);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        return response;
    }
}
