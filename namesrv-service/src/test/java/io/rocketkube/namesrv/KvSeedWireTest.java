package io.rocketkube.namesrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.util.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The declared KV seed, served over the wire after a start, its precedence over stored entries, and refusal. */
class KvSeedWireTest {
    private static final String ORDER = "ORDER_TOPIC_CONFIG";

    @TempDir
    Path dataDir;

    @TempDir
    Path seedDir;

    private final MutableClock clock = new MutableClock();
    private final RemotingClient client = new RemotingClient(RemotingClientConfig.defaults());
    private NameServer nameServer;

    @AfterEach
    void stop() {
        client.close();
        if (nameServer != null) {
            nameServer.close();
        }
    }

    @Test
    void seedIsServedByGetKvConfigAndGetKvListByNamespace() throws Exception {
        Path seed = seed("{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\", \"T2\": \"broker-b:2\"},"
                + " \"OTHER\": {\"k\": \"v\"}}");
        start(seeded(seed));

        assertThat(get(ORDER, "T1").extFields()).containsEntry("value", "broker-a:4");
        assertThat(get("OTHER", "k").extFields()).containsEntry("value", "v");
        assertThat(list(ORDER)).isEqualTo("{\"table\":{\"T1\":\"broker-a:4\",\"T2\":\"broker-b:2\"}}");
    }

    @Test
    void declaredValuesWinAndUndeclaredStoredKeysAreKept() throws Exception {
        start(NameServerSettings.forTest("127.0.0.1", dataDir));
        put(ORDER, "T1", "broker-a:8");
        put(ORDER, "RUNTIME", "broker-c:1");
        nameServer.close();

        Path seed = seed("{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\"}}");
        start(seeded(seed));

        assertThat(get(ORDER, "T1").extFields()).containsEntry("value", "broker-a:4");
        assertThat(get(ORDER, "RUNTIME").extFields()).containsEntry("value", "broker-c:1");
    }

    @Test
    void malformedSeedRefusesTheStartAndAppliesNothing() throws Exception {
        start(NameServerSettings.forTest("127.0.0.1", dataDir));
        put(ORDER, "T1", "broker-a:8");
        nameServer.close();

        String[] malformed = {
            "{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\"}, \"BAD\": {\"n\": 4}}",
            "{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\"}, \"BAD\": \"flat\"}",
            "{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\", \"T1\": \"broker-a:5\"}}",
            "{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\"}} trailing",
            "[\"ORDER_TOPIC_CONFIG\"]",
            "{\"ORDER_TOPIC_CONFIG\": {\"T1\": \"broker-a:4\"",
        };
        for (String text : malformed) {
            NameServer refused = new NameServer(seeded(seed(text)), clock);
            try {
                assertThatThrownBy(refused::start)
                        .as(text)
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("KV seed file")
                        .hasMessageContaining(seedDir.toString());
            } finally {
                refused.close();
            }
        }
        NameServer missing = new NameServer(seeded(seedDir.resolve("absent.json")), clock);
        try {
            assertThatThrownBy(missing::start).isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        } finally {
            missing.close();
        }

        start(NameServerSettings.forTest("127.0.0.1", dataDir));
        assertThat(get(ORDER, "T1").extFields()).containsEntry("value", "broker-a:8");
        assertThat(get("BAD", "n").code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND);
    }

    private void start(NameServerSettings settings) throws Exception {
        nameServer = new NameServer(settings, clock);
        nameServer.start();
    }

    /** The test settings with the KV seed {@code file}. */
    private NameServerSettings seeded(Path file) {
        return NameServerSettings.forTest("127.0.0.1", dataDir, Map.of("kv-seed-file", file.toString()));
    }

    private Path seed(String json) throws IOException {
        return Files.writeString(Files.createTempFile(seedDir, "kv-seed", ".json"), json);
    }

    private void put(String namespace, String key, String value) throws Exception {
        RemotingCommand put = RemotingCommand.request(RequestCode.PUT_KV_CONFIG)
                .withExtField("namespace", namespace)
                .withExtField("key", key)
                .withExtField("value", value);
        assertThat(client.invokeSync(nameServer.address(), put, 3000).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    private RemotingCommand get(String namespace, String key) throws Exception {
        return client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_KV_CONFIG)
                        .withExtField("namespace", namespace)
                        .withExtField("key", key),
                3000);
    }

    private String list(String namespace) throws Exception {
        RemotingCommand list = client.invokeSync(
                nameServer.address(),
                RemotingCommand.request(RequestCode.GET_KVLIST_BY_NAMESPACE).withExtField("namespace", namespace),
                3000);
        assertThat(list.code()).isEqualTo(ResponseCode.SUCCESS);
        return new String(list.body(), StandardCharsets.UTF_8);
    }
}
