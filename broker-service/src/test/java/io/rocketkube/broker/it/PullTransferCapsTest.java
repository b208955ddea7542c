package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.PullTransferCaps;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pull answer carries at most RocketMQ's transfer caps, whatever maxMsgNums asks for: 32 messages or
 * 256 KiB while the messages are in memory, 8 messages or 64 KiB once they are on disk. Which is which
 * depends on physical memory, so the on-disk cases inject a tiny one.
 */
@Timeout(120)
class PullTransferCapsTest {
    static final String TOPIC = "T_CAPS";

    @TempDir
    Path dir;

    Cluster cluster;
    RemotingClient client;

    void start(UnaryOperator<BrokerSettings> customise) throws Exception {
        cluster = new Cluster(dir, customise);
        client = new RemotingClient(RemotingClientConfig.defaults());
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(client.invokeSync(cluster.brokerAddr(), create, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    void store(int count, int bodyBytes) throws Exception {
        for (int i = 0; i < count; i++) {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("a", "PG_CAPS");
            h.put("b", TOPIC);
            h.put("c", "TBW102");
            h.put("d", "1");
            h.put("e", "0");
            h.put("f", "0");
            h.put("g", "1700000000000");
            h.put("h", "0");
            h.put("i", "TAGS\u0001TagA");
            RemotingCommand r = client.invokeSync(
                    cluster.brokerAddr(),
                    RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                            .withExtFields(h)
                            .withBody(new byte[bodyBytes]),
                    5000);
            assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        }
        Awaitility.await().until(() -> maxOffset() == count);
    }

    long maxOffset() throws Exception {
        return Long.parseLong(client.invokeSync(
                        cluster.brokerAddr(),
                        RemotingCommand.request(RequestCode.GET_MAX_OFFSET)
                                .withExtFields(Map.of("topic", TOPIC, "queueId", "0")),
                        5000)
                .extField("offset"));
    }

    /** The sizes of the records in one pull answer, which is stored records back to back. */
    List<Integer> pull(int maxMsgNums) throws Exception {
        RemotingCommand r = client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.PULL_MESSAGE)
                        .withExtFields(Map.ofEntries(
                                Map.entry("consumerGroup", "CG_CAPS"),
                                Map.entry("topic", TOPIC),
                                Map.entry("queueId", "0"),
                                Map.entry("queueOffset", "0"),
                                Map.entry("maxMsgNums", String.valueOf(maxMsgNums)),
                                Map.entry("sysFlag", "4"),
                                Map.entry("commitOffset", "0"),
                                Map.entry("suspendTimeoutMillis", "0"),
                                Map.entry("subscription", "*"),
                                Map.entry("subVersion", "0"))),
                5000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
        ByteBuffer body = ByteBuffer.wrap(r.body());
        List<Integer> sizes = new ArrayList<>();
        while (body.hasRemaining()) {
            int size = body.getInt(body.position());
            sizes.add(size);
            body.position(body.position() + size);
        }
        assertThat(Long.parseLong(r.extField("nextBeginOffset"))).isEqualTo(sizes.size());
        return sizes;
    }

    @Test
    void aPullOfFiftyInMemoryGetsThirtyTwo() throws Exception {
        start(UnaryOperator.identity());
        store(100, 16);
        assertThat(pull(50)).hasSize(32);
        assertThat(pull(10)).hasSize(10);
    }

    @Test
    void largeInMemoryMessagesStopAt256KiB() throws Exception {
        start(UnaryOperator.identity());
        store(6, 100 * 1024);
        List<Integer> sizes = pull(32);
        assertThat(sizes).hasSize(2);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(256 * 1024);
    }

    @Test
    void onDiskMessagesStopAtEight() throws Exception {
        // 40 % of 10 KiB: everything but the last few small messages counts as on disk.
        start(s -> s.withPullCaps(PullTransferCaps.defaults().withPhysicalMemoryBytes(10 * 1024)));
        store(100, 16);
        assertThat(pull(50)).hasSize(8);
    }

    @Test
    void largeOnDiskMessagesStopAt64KiB() throws Exception {
        start(s -> s.withPullCaps(PullTransferCaps.defaults().withPhysicalMemoryBytes(10 * 1024)));
        store(6, 30 * 1024);
        List<Integer> sizes = pull(32);
        assertThat(sizes).hasSize(2);
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(64 * 1024);
    }

    @Test
    void theCapsComeFromTheConfiguration() throws Exception {
        start(s -> s.withPullCaps(new PullTransferCaps(5, 1024 * 1024, 2, 1024 * 1024, 40, Long.MAX_VALUE / 200)));
        store(20, 16);
        assertThat(pull(50)).hasSize(5);
    }
}
