package io.rocketkube.broker.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.persist.BrokerFiles;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The headless-Service case end to end: one NameServer host name whose address set grows; the next round
 * registers with the new NameServer too, with no restart, and a topic change reaches every NameServer at once.
 */
@Timeout(60)
class NameServerRegistrarTest {
    @TempDir
    Path dir;

    private static NameServer nameServer(String ip, int port, Path dir) throws Exception {
        NameServer ns = new NameServer(
                NameServerSettings.forTest(ip, dir, Map.of("port", String.valueOf(port), "processor-threads", "2")),
                Clock.systemUTC());
        ns.start();
        return ns;
    }

    @Test
    void aNameServerPodAddedBehindTheServiceNameGetsRegistrationsWithoutARestart() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        List<InetAddress> pods = new CopyOnWriteArrayList<>(List.of(InetAddress.getByName("127.0.0.2")));
        NameServerAddresses addresses =
                new NameServerAddresses("namesrv.svc:" + port, host -> pods.toArray(InetAddress[]::new));
        BrokerSettings settings = BrokerSettings.forTest("127.0.0.1", dir.resolve("broker"), "namesrv.svc:" + port);
        TopicConfigManager topics =
                TopicConfigManager.load(BrokerFiles.topics(dir.resolve("broker")), settings, Clock.systemUTC());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (NameServer first = nameServer("127.0.0.2", port, dir.resolve("ns1"));
                NameServer second = nameServer("127.0.0.3", port, dir.resolve("ns2"));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            NameServerRegistrar registrar = new NameServerRegistrar(
                    settings,
                    "127.0.0.1:10911",
                    () -> "127.0.0.1:10912",
                    addresses,
                    topics,
                    client,
                    scheduler,
                    Clock.systemUTC());
            topics.addListener(registrar);
            registrar.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> first.routes().dataVersionOf("127.0.0.1:10911") != null);
            assertThat(second.routes().dataVersionOf("127.0.0.1:10911")).isNull();

            pods.add(InetAddress.getByName("127.0.0.3"));
            topics.upsert(TopicConfig.of("T_NEW", 2, 6));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> topics.dataVersion().equals(first.routes().dataVersionOf("127.0.0.1:10911"))
                            && topics.dataVersion().equals(second.routes().dataVersionOf("127.0.0.1:10911")));
            assertThat(registrar.lastTargets()).containsExactlyInAnyOrder("127.0.0.2:" + port, "127.0.0.3:" + port);

            registrar.close();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> first.routes().dataVersionOf("127.0.0.1:10911") == null
                            && second.routes().dataVersionOf("127.0.0.1:10911") == null);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aNameServerNameThatDoesNotResolveYetIsRetriedWithinSecondsNotAfterAWholeInterval() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        // A headless Service name resolves only once its pods are ready: the first three lookups fail.
        java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
        NameServerAddresses addresses = new NameServerAddresses("namesrv.svc:" + port, host -> {
            if (lookups.incrementAndGet() <= 3) {
                throw new java.net.UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName("127.0.0.2")};
        });
        BrokerSettings settings = BrokerSettings.forTest("127.0.0.1", dir.resolve("broker"), "namesrv.svc:" + port);
        assertThat(settings.registerInterval()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        TopicConfigManager topics =
                TopicConfigManager.load(BrokerFiles.topics(dir.resolve("broker")), settings, Clock.systemUTC());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (NameServer nameServer = nameServer("127.0.0.2", port, dir.resolve("ns"));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            NameServerRegistrar registrar = new NameServerRegistrar(
                    settings,
                    "127.0.0.1:10911",
                    () -> "127.0.0.1:10912",
                    addresses,
                    topics,
                    client,
                    scheduler,
                    Clock.systemUTC());
            registrar.start();
            // Retries after 1 s, 2 s and 4 s: registered within about 7 s, not at the 30 s interval.
            await().atMost(Duration.ofSeconds(15)).until(() -> registrar.lastSuccessMillis() >= 0);
            assertThat(nameServer.routes().dataVersionOf("127.0.0.1:10911")).isNotNull();
            int lookupsWhenRegistered = lookups.get();
            // Once acknowledged, the broker goes back to the interval: no more retries.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> lookups.get() == lookupsWhenRegistered);
            registrar.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void aSlaveThatRegisteredBeforeItsMasterLearnsTheMasterWithinSecondsNotAfterAWholeInterval() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            port = probe.getLocalPort();
        }
        NameServerAddresses addresses = new NameServerAddresses(
                "namesrv.svc:" + port, host -> new InetAddress[] {InetAddress.getByName("127.0.0.2")});
        BrokerSettings masterSettings =
                BrokerSettings.forTest("127.0.0.1", dir.resolve("master"), "namesrv.svc:" + port);
        BrokerSettings slaveSettings = BrokerSettings.forTest("127.0.0.1", dir.resolve("slave"), "namesrv.svc:" + port)
                .asSlave(1, 10922);
        assertThat(slaveSettings.registerInterval()).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (NameServer nameServer = nameServer("127.0.0.2", port, dir.resolve("ns"));
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            MasterAddress learned = MasterAddress.unconfigured();
            NameServerRegistrar slave = registrar(slaveSettings, "127.0.0.1:10921", addresses, client, scheduler);
            slave.masterAddress(learned);
            slave.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> slave.lastSuccessMillis() >= 0);
            assertThat(learned.master()).isEmpty();

            NameServerRegistrar master = registrar(masterSettings, "127.0.0.1:10911", addresses, client, scheduler);
            master.start();
            // Retried after 1 s, 2 s, 4 s, ... while no answer names the master: well before the 30 s round.
            await().atMost(Duration.ofSeconds(10)).until(() -> learned.master().isPresent());
            assertThat(learned.master()).contains("127.0.0.1:10911");
            assertThat(learned.haServer()).contains("127.0.0.1:10912");
            slave.close();
            master.close();
        } finally {
            scheduler.shutdownNow();
        }
    }

    private NameServerRegistrar registrar(
            BrokerSettings settings,
            String brokerAddr,
            NameServerAddresses addresses,
            RemotingClient client,
            ScheduledExecutorService scheduler)
            throws Exception {
        TopicConfigManager topics =
                TopicConfigManager.load(BrokerFiles.topics(settings.storePath()), settings, Clock.systemUTC());
        String host = brokerAddr.substring(0, brokerAddr.indexOf(':'));
        int haPort = Integer.parseInt(brokerAddr.substring(brokerAddr.indexOf(':') + 1)) + 1;
        return new NameServerRegistrar(
                settings,
                brokerAddr,
                () -> host + ":" + haPort,
                addresses,
                topics,
                client,
                scheduler,
                Clock.systemUTC());
    }
}
