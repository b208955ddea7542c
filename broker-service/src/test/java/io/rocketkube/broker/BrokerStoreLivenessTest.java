package io.rocketkube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's liveness follows the store's health: a stuck store dispatcher or a latched store fatal
 * error turns it DOWN with the reason; before, liveness only asked the store for its stats and stayed UP.
 */
class BrokerStoreLivenessTest {
    private static final long RESPOND_MILLIS = 2000;

    @TempDir
    Path dir;

    @Test
    void aStuckStoreThreadOrALatchedFatalErrorMakesTheBrokerNotLive() throws Exception {
        // The broker and its store share the clock the test moves.
        MutableClock clock = new MutableClock();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<DefaultMessageStore> opened = new AtomicReference<>();
        StoreOpener opener = config -> {
            DefaultMessageStore store = DefaultMessageStore.open(config);
            store.addArrivalListener((topic, queueId, offset, tagsCode, storeTime) -> {
                if (topic.equals("BLOCK")) {
                    entered.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            opened.set(store);
            return store;
        };
        // No NameServer listens on port 1: liveness does not depend on registration.
        BrokerSettings settings = BrokerSettings.forTest("127.0.0.1", dir, "127.0.0.1:1");
        Broker broker = Broker.open(settings, clock, opener, new SimpleMeterRegistry());
        broker.start();
        try {
            assertThat(broker.notLiveReason(RESPOND_MILLIS)).isEmpty();

            MessageRecordRequest blocking = MessageRecordRequest.builder(
                            "BLOCK", 0, ByteBuffer.wrap("holds the dispatcher".getBytes(StandardCharsets.UTF_8)))
                    .bornHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000))
                    .build();
            assertThat(opened.get().put(blocking).join().status()).isEqualTo(PutStatus.PUT_OK);
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

            clock.advance(Duration.ofMillis(Broker.STORE_STUCK_MILLIS + 5_000));
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(broker.notLiveReason(RESPOND_MILLIS))
                            .hasValueSatisfying(
                                    r -> assertThat(r).startsWith("store thread store-dispatcher made no progress")));
            assertThat(broker.isLive(RESPOND_MILLIS)).isFalse();

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.isLive(RESPOND_MILLIS));

            // What s1's fsync-failure latch (or any store fatal) does to liveness.
            opened.get().healthState().latchFatal("fsync of the commit log failed");
            assertThat(broker.notLiveReason(RESPOND_MILLIS)).hasValue("store fatal: fsync of the commit log failed");
        } finally {
            release.countDown();
            broker.close();
        }
    }
}
