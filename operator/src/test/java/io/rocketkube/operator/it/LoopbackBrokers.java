package io.rocketkube.operator.it;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/** Our real brokers on loopback, and Apache's test-scope client quiet, for the admin tests. */
final class LoopbackBrokers {

    private LoopbackBrokers() {}

    /** Apache's client logs and keeps offsets under target, not in the home directory or /tmp. */
    static void quietApacheClient() {
        System.setProperty("rocketmq.client.logRoot", "target/rocketmqlogs");
        System.setProperty("rocketmq.client.logLevel", "WARN");
        try {
            System.setProperty(
                    "rocketmq.client.localOffsetStoreDir",
                    Files.createTempDirectory(java.nio.file.Path.of("target"), "rocketmq_offsets")
                            .toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts a broker, hands its store to {@code store}, and waits for its first registration. */
    static Broker start(BrokerSettings settings, AtomicReference<MessageStore> store) throws Exception {
        Broker broker = Broker.open(
                settings,
                Clock.systemUTC(),
                config -> {
                    MessageStore opened = DefaultMessageStore.open(config);
                    store.set(opened);
                    return opened;
                },
                new SimpleMeterRegistry());
        broker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.lastRegistrationMillis() >= 0);
        return broker;
    }
}
