package io.rocketkube.broker.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.StoreOpener;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * Our NameServer and one broker, in-process on loopback, for the official-client scenarios. The broker can be
 * restarted on the same store and port.
 */
final class Cluster implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    static {
        // The official client logs to ~/logs and keeps broadcasting offsets in ~/.rocketmq_offsets by default.
        System.setProperty("rocketmq.client.logRoot", "target/rocketmqlogs");
        System.setProperty("rocketmq.client.logLevel", "WARN");
        // Fresh per JVM: a broadcasting consumer would otherwise resume from a previous run's local offsets.
        try {
            System.setProperty(
                    "rocketmq.client.localOffsetStoreDir",
                    java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("target"), "rocketmq_offsets")
                            .toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the static set-up above (the official client's log and offset directories) for other harnesses. */
    static void clientProperties() {}

    private final NameServer nameServer;
    private final UnaryOperator<BrokerSettings> customise;
    private final Clock brokerClock;
    private final StoreOpener storeOpener;
    private final Path brokerDir;
    private Broker broker;

    Cluster(Path dir) throws Exception {
        this(dir, UnaryOperator.identity());
    }

    Cluster(Path dir, UnaryOperator<BrokerSettings> customise) throws Exception {
        this(dir, customise, Clock.systemUTC(), DefaultMessageStore::open);
    }

    /** With the broker on {@code brokerClock} (the NameServer keeps the system clock). */
    Cluster(Path dir, UnaryOperator<BrokerSettings> customise, Clock brokerClock) throws Exception {
        this(dir, customise, brokerClock, DefaultMessageStore::open);
    }

    /** With a store of the test's own, e.g. one that wraps the real store to hold its flushes. */
    Cluster(Path dir, UnaryOperator<BrokerSettings> customise, StoreOpener storeOpener) throws Exception {
        this(dir, customise, Clock.systemUTC(), storeOpener);
    }

    Cluster(Path dir, UnaryOperator<BrokerSettings> customise, Clock brokerClock, StoreOpener storeOpener)
            throws Exception {
        this.customise = customise;
        this.brokerClock = brokerClock;
        this.storeOpener = storeOpener;
        this.brokerDir = dir.resolve("broker");
        nameServer = new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        broker = startBroker(0);
    }

    private Broker startBroker(int port) throws Exception {
        BrokerSettings settings = customise
                .apply(BrokerSettings.forTest(HOST, brokerDir, nameServer.address()))
                .withPort(port);
        Broker started = Broker.open(settings, brokerClock, storeOpener, new SimpleMeterRegistry());
        started.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> started.lastRegistrationMillis() >= 0);
        return started;
    }

    /** Clean shutdown and start again on the same store and port. */
    void restartBroker() throws Exception {
        int port = broker.port();
        broker.close();
        broker = startBroker(port);
    }

    String namesrvAddr() {
        return nameServer.address();
    }

    Broker broker() {
        return broker;
    }

    String brokerAddr() {
        return broker.address();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        nameServer.close();
    }
}
