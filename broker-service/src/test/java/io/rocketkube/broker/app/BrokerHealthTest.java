package io.rocketkube.broker.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.util.MovableClock;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Registration is readiness only: a NameServer outage makes the broker unready, never dead (issue 16). */
@Timeout(60)
class BrokerHealthTest {
    @TempDir
    Path dir;

    @Test
    void nameServerOutagePastTheRegistrationWindowKeepsTheBrokerLiveButNotReady() throws Exception {
        NameServer nameServer =
                new NameServer(NameServerSettings.forTest("127.0.0.1", dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        boolean nameServerUp = true;
        MovableClock clock = new MovableClock(ZoneOffset.UTC);
        try (Broker broker = Broker.open(
                BrokerSettings.forTest("127.0.0.1", dir.resolve("broker"), nameServer.address()),
                clock,
                DefaultMessageStore::open,
                new SimpleMeterRegistry())) {
            broker.start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> broker.isReady(BrokerReadiness.REGISTRATION_WINDOW_MILLIS));
            assertThat(broker.isLive(2000)).isTrue();

            nameServer.close();
            nameServerUp = false;
            broker.registerNow();
            clock.advance(Duration.ofMillis(BrokerReadiness.REGISTRATION_WINDOW_MILLIS + 1000));

            assertThat(broker.isReady(BrokerReadiness.REGISTRATION_WINDOW_MILLIS))
                    .isFalse();
            // The store's loops beat on the same clock; right after the jump their last beats look 121 s old
            // to the stuck-thread check until their next iteration (within a second) stamps the new time.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(broker.notLiveReason(2000)).isEmpty());
            assertThat(broker.isStarted()).isTrue();
        } finally {
            if (nameServerUp) {
                nameServer.close();
            }
        }
    }
}
