package io.rocketkube.namesrv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one expiry test on the wall clock and the real schedule: a broker that registers once and then keeps
 * its connection open but silent is gone after 120 s plus at most one 10 s scan. Slow, so outside CI
 * ({@code ./mvnw verify -Pslow}).
 */
@Tag("slow")
class RealTimeExpirySlowTest {
    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 200, unit = TimeUnit.SECONDS)
    void silentBrokerIsDroppedAfterTheRealExpiry() throws Exception {
        try (NameServer nameServer =
                        new NameServer(NameServerSettings.forTest("127.0.0.1", dataDir), Clock.systemUTC());
                RemotingClient broker = new RemotingClient(
                        new RemotingClientConfig(1, Duration.ofSeconds(3), 1 << 24, Duration.ZERO, true, 16, 16))) {
            nameServer.start();
            broker.invokeSync(
                    nameServer.address(),
                    NameServerWireTest.register("broker-a", 0, "127.0.0.1:10911", false, "T1"),
                    3000);
            long registered = System.nanoTime();

            await().atMost(Duration.ofSeconds(150))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> nameServer.routes().liveBrokerCount() == 0);

            long silentSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - registered);
            assertThat(silentSeconds).isBetween(120L, 135L);
            assertThat(nameServer.routes().route("T1", null)).isEmpty();
        }
    }
}
