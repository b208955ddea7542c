package io.rocketkube.namesrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RegisterBrokerBody;
import io.rocketkube.client.protocol.RegisterBrokerBodyCodec;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.SerializeType;
import io.rocketkube.client.util.MaskedCrc32;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.namesrv.kv.KvConfigStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NameServer over the wire, in process, with an injected clock. */
class NameServerWireTest {
    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock();
    private NameServer nameServer;
    private RemotingClient client;

    @BeforeEach
    void start() throws Exception {
        nameServer = new NameServer(NameServerSettings.forTest("127.0.0.1", dataDir), clock);
        nameServer.start();
        client = new RemotingClient(RemotingClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        nameServer.close();
    }

    @Test
    void registeredTopicRoutesWithQuotedBrokerIds() throws Exception {
        for (boolean compressed : new boolean[] {false, true}) {
            RemotingCommand response = client.invokeSync(
                    nameServer.address(), register("broker-a", 0, "127.0.0.1:10911", compressed, "T1"), 3000);
            assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS);
        }
        RemotingCommand route = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).withExtField("topic", "T1"),
                3000);
        assertThat(route.code()).isEqualTo(ResponseCode.SUCCESS);
        String json = new String(route.body(), StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"brokerAddrs\":{\"0\":\"127.0.0.1:10911\"}")
                .contains("\"filterServerTable\":{}")
                .contains("\"perm\":6");

        RemotingCommand missing = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC).withExtField("topic", "nope"),
                3000);
        assertThat(missing.code()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST);
        assertThat(missing.remark()).contains("nope");
    }

    @Test
    void slaveRegistrationReturnsMasterAndHaAddress() throws Exception {
        client.invokeSync(nameServer.address(), register("broker-a", 0, "127.0.0.1:10911", false, "T1"), 3000);
        RemotingCommand slave =
                client.invokeSync(nameServer.address(), register("broker-a", 1, "127.0.0.2:10911", false, "T1"), 3000);
        assertThat(slave.extFields())
                .containsEntry("masterAddr", "127.0.0.1:10911")
                .containsEntry("haServerAddr", "127.0.0.1:10912");
    }

    @Test
    void crcMismatchIsRefusedAndNothingIsRegistered() throws Exception {
        RemotingCommand request = register("broker-a", 0, "127.0.0.1:10911", false, "T1");
        request.withExtField("bodyCrc32", MaskedCrc32.of(request.body()) ^ 1);
        RemotingCommand response = client.invokeSync(nameServer.address(), request, 3000);
        assertThat(response.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(response.remark()).isEqualTo("crc32 not match");
        assertThat(nameServer.routes().liveBrokerCount()).isZero();
    }

    @Test
    void silentBrokerIsDroppedByTheScanAndItsConnectionClosed() throws Exception {
        client.invokeSync(nameServer.address(), register("broker-a", 0, "127.0.0.1:10911", false, "T1"), 3000);
        clock.advance(Duration.ofSeconds(100));
        assertThat(nameServer.scanExpiredBrokers()).isEmpty();
        clock.advance(Duration.ofSeconds(21));

        assertThat(nameServer.scanExpiredBrokers()).hasSize(1);

        assertThat(nameServer.routes().route("T1", null)).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> nameServer.connectionCount() == 0);
    }

    @Test
    void closedConnectionDropsItsBrokersAtOnce() throws Exception {
        RemotingClient broker = new RemotingClient(RemotingClientConfig.defaults());
        broker.invokeSync(nameServer.address(), register("broker-b", 0, "127.0.0.1:20911", false, "T2"), 3000);
        assertThat(nameServer.routes().liveBrokerCount()).isEqualTo(1);
        broker.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> nameServer.routes().liveBrokerCount() == 0);
        assertThat(nameServer.routes().allTopics()).isEmpty();
    }

    @Test
    void kvConfigSurvivesARestart() throws Exception {
        RemotingCommand put = RemotingCommand.request(RequestCode.PUT_KV_CONFIG)
                .withExtField("namespace", "ORDER_TOPIC_CONFIG")
                .withExtField("key", "T1")
                .withExtField("value", "broker-a:4");
        assertThat(client.invokeSync(nameServer.address(), put, 3000).code()).isZero();
        nameServer.close();
        nameServer = new NameServer(NameServerSettings.forTest("127.0.0.1", dataDir), clock);
        nameServer.start();

        RemotingCommand get = kvGet("ORDER_TOPIC_CONFIG", "T1");
        assertThat(get.extFields()).containsEntry("value", "broker-a:4");
        RemotingCommand list = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_KVLIST_BY_NAMESPACE)
                        .withExtField("namespace", "ORDER_TOPIC_CONFIG"),
                3000);
        assertThat(new String(list.body(), StandardCharsets.UTF_8)).isEqualTo("{\"table\":{\"T1\":\"broker-a:4\"}}");
        client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.DELETE_KV_CONFIG)
                        .withExtField("namespace", "ORDER_TOPIC_CONFIG")
                        .withExtField("key", "T1"),
                3000);
        RemotingCommand gone = kvGet("ORDER_TOPIC_CONFIG", "T1");
        assertThat(gone.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND);
    }

    /** Any client may write the KV table: a put beyond a bound is refused whole, and the NameServer still restarts. */
    @Test
    void kvConfigBeyondItsBoundsIsRefusedAndNothingOfItIsKept() throws Exception {
        String longName = "K".repeat(KvConfigStore.MAX_NAME_CHARS + 1);
        String bigValue = "v".repeat(KvConfigStore.MAX_VALUE_CHARS + 1);
        for (RemotingCommand put :
                List.of(kvPut("NS", longName, "v"), kvPut(longName, "k", "v"), kvPut("NS", "k", bigValue))) {
            RemotingCommand refused = client.invokeSync(nameServer.address(), put, 10_000);
            assertThat(refused.code()).isEqualTo(ResponseCode.INVALID_PARAMETER);
            assertThat(refused.opaque()).isEqualTo(put.opaque());
            assertThat(refused.remark()).contains("at most");
        }
        // Values each within bounds until the table is full: the one that would overflow it is refused.
        String value = "v".repeat(KvConfigStore.MAX_VALUE_CHARS);
        int stored = 0;
        RemotingCommand last;
        do {
            last = client.invokeSync(nameServer.address(), kvPut("BIG", "k" + stored, value), 10_000);
            if (last.code() == ResponseCode.SUCCESS) {
                stored++;
            }
        } while (last.code() == ResponseCode.SUCCESS && stored < 20);
        assertThat(last.code()).isEqualTo(ResponseCode.INVALID_PARAMETER);
        assertThat(stored).isEqualTo(KvConfigStore.MAX_TABLE_BYTES / KvConfigStore.MAX_VALUE_CHARS - 1);

        nameServer.close();
        nameServer = new NameServer(NameServerSettings.forTest("127.0.0.1", dataDir), clock);
        nameServer.start();
        RemotingCommand list = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_KVLIST_BY_NAMESPACE).withExtField("namespace", "BIG"),
                10_000);
        assertThat(list.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(list.body().length).isLessThan(KvConfigStore.MAX_TABLE_BYTES);
        RemotingCommand none = kvGet("NS", "k");
        assertThat(none.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND);
    }

    private RemotingCommand kvGet(String namespace, String key) throws Exception {
        return client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_KV_CONFIG)
                        .withExtField("namespace", namespace)
                        .withExtField("key", key),
                3000);
    }

    private static RemotingCommand kvPut(String namespace, String key, String value) {
        return RemotingCommand.request(RequestCode.PUT_KV_CONFIG)
                .withExtField("namespace", namespace)
                .withExtField("key", key)
                .withExtField("value", value);
    }

    /** As the reference's (which writes its config file), a runtime change is still in force after a restart. */
    @Test
    void runtimeConfigChangesSurviveARestart() throws Exception {
        RemotingCommand update = RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG)
                .withBody("orderMessageEnable=true\nbrokerExpiryMillis=45000\n");
        assertThat(client.invokeSync(nameServer.address(), update, 3000).code()).isZero();
        RemotingCommand expiryOnly =
                RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG).withBody("brokerExpiryMillis=50000\n");
        assertThat(client.invokeSync(nameServer.address(), expiryOnly, 3000).code())
                .isZero();
        nameServer.close();
        nameServer = new NameServer(NameServerSettings.forTest("127.0.0.1", dataDir), clock);
        nameServer.start();

        RemotingCommand config =
                client.invokeSync(nameServer.address(), RemotingCommand.request(RequestCode.GET_NAMESRV_CONFIG), 3000);
        assertThat(new String(config.body(), StandardCharsets.UTF_8))
                .contains("orderMessageEnable=true")
                .contains("brokerExpiryMillis=50000");
    }

    @Test
    void configUpdateOfAnUnsafeKeyIsRefusedWhole() throws Exception {
        RemotingCommand update = RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG)
                .withBody("orderMessageEnable=true\ndataDir=/etc\n");
        RemotingCommand refused = client.invokeSync(nameServer.address(), update, 3000);
        assertThat(refused.code()).isEqualTo(ResponseCode.NO_PERMISSION);
        RemotingCommand config =
                client.invokeSync(nameServer.address(), RemotingCommand.request(RequestCode.GET_NAMESRV_CONFIG), 3000);
        assertThat(new String(config.body(), StandardCharsets.UTF_8)).contains("orderMessageEnable=false");

        RemotingCommand accepted = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.UPDATE_NAMESRV_CONFIG).withBody("orderMessageEnable=true"),
                3000);
        assertThat(accepted.code()).isZero();
    }

    @Test
    void missingMandatoryFieldsAndBadNumbersGetErrorsOnAUsableConnection() throws Exception {
        RemotingCommand noTopic = client.invokeSync(
                nameServer.address(), RemotingCommand.request(RequestCode.GET_ROUTEINFO_BY_TOPIC), 3000);
        assertThat(noTopic.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(noTopic.remark()).contains("<topic> is null");

        RemotingCommand badId =
                register("broker-a", 0, "127.0.0.1:10911", false, "T1").withExtField("brokerId", "zero");
        RemotingCommand badIdResponse = client.invokeSync(nameServer.address(), badId, 3000);
        assertThat(badIdResponse.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
        assertThat(badIdResponse.opaque()).isEqualTo(badId.opaque());
        assertThat(nameServer.routes().liveBrokerCount()).isZero();

        RemotingCommand badBody = RemotingCommand.request(RequestCode.REGISTER_BROKER)
                .withExtField("brokerName", "b")
                .withExtField("brokerAddr", "127.0.0.1:1")
                .withExtField("clusterName", "c")
                .withExtField("haServerAddr", "x")
                .withExtField("brokerId", 0)
                .withExtField("compressed", true)
                .withBody("not zlib at all");
        assertThat(client.invokeSync(nameServer.address(), badBody, 3000).code())
                .isEqualTo(ResponseCode.SYSTEM_ERROR);

        RemotingCommand unknown = client.invokeSync(nameServer.address(), RemotingCommand.request(9999), 3000);
        assertThat(unknown.code()).isEqualTo(ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
        assertThat(client.invokeSync(
                                nameServer.address(),
                                RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO),
                                3000)
                        .code())
                .isZero();
    }

    @Test
    void garbageClosesOnlyTheOffendingConnection() throws Exception {
        Random random = new Random(42);
        byte[] randomBytes = new byte[4096];
        random.nextBytes(randomBytes);
        byte[] invalidJson = "{\"code\":105,\"opaque\":".getBytes(StandardCharsets.UTF_8);
        List<byte[]> attacks = List.of(
                randomBytes,
                ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array(),
                frame(0x00000000 | 200, new byte[10]),
                frame(invalidJson.length, invalidJson),
                frame((1 << 24) | 5, new byte[] {0, 105, 0, 1, -111}),
                frame((7 << 24) | 2, new byte[] {'{', '}'}));
        for (byte[] attack : attacks) {
            try (Socket socket = new Socket("127.0.0.1", nameServer.port())) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(attack);
                out.flush();
                assertThat(readUntilClosed(socket.getInputStream()))
                        .as("server closes the connection")
                        .isTrue();
            }
            assertThat(client.invokeSync(
                                    nameServer.address(),
                                    RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO),
                                    3000)
                            .code())
                    .isZero();
        }
    }

    @Test
    void answersInTheSerializeTypeOfTheRequest() throws Exception {
        RemotingCommand response = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER)
                        .withSerializeType(SerializeType.ROCKETMQ),
                3000);
        assertThat(response.serializeType()).isEqualTo(SerializeType.ROCKETMQ);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"topicList\":[]}");
    }

    /** True once the peer closed: an orderly end of stream, or a reset because our bytes went unread. */
    private static boolean readUntilClosed(InputStream in) throws java.io.IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    /** A frame whose header word is given raw, so tests can lie about lengths and types. */
    private static byte[] frame(int headerWord, byte[] header) {
        return ByteBuffer.allocate(8 + header.length)
                .putInt(4 + header.length)
                .putInt(headerWord)
                .put(header)
                .array();
    }

    static RemotingCommand register(
            String brokerName, long brokerId, String addr, boolean compressed, String... topics) {
        Map<String, TopicConfig> table = new java.util.LinkedHashMap<>();
        for (String topic : topics) {
            table.put(topic, TopicConfig.of(topic, 4, PermName.READ_WRITE));
        }
        byte[] body = RegisterBrokerBodyCodec.encode(
                new RegisterBrokerBody(
                        new TopicConfigSerializeWrapper(table, new DataVersion(1, 1700000000000L, null)), List.of()),
                compressed);
        return RemotingCommand.request(RequestCode.REGISTER_BROKER)
                .withExtField("brokerName", brokerName)
                .withExtField("brokerAddr", addr)
                .withExtField("clusterName", "DefaultCluster")
                .withExtField("haServerAddr", addr.replace(":10911", ":10912"))
                .withExtField("brokerId", brokerId)
                .withExtField("compressed", compressed)
                .withExtField("bodyCrc32", MaskedCrc32.of(body))
                .withBody(body);
    }
}
