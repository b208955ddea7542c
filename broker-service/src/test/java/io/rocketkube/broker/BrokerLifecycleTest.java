package io.rocketkube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's lifecycle: open recovers the store and binds nothing, start serves once, close is idempotent
 * and also releases a broker that was opened and never started (its store's directory lock included).
 */
@Timeout(60)
class BrokerLifecycleTest {
    @TempDir
    Path dir;

    private Broker open() throws IOException {
        return Broker.open(
                BrokerSettings.forTest("127.0.0.1", dir, ""),
                Clock.systemUTC(),
                DefaultMessageStore::open,
                new SimpleMeterRegistry());
    }

    @Test
    void anOpenedBrokerServesNothingAndClosesWithoutStarting() throws Exception {
        Broker unstarted = open();
        assertThat(unstarted.isStarted()).isFalse();
        assertThat(unstarted.notLiveReason(1000)).contains("not started");
        assertThat(accepts(unstarted.port())).isFalse();
        unstarted.close();
        unstarted.close();
        assertThatThrownBy(unstarted::start).isInstanceOf(IllegalStateException.class);

        // The store was closed with it: the same directory opens again and serves.
        try (Broker broker = open()) {
            broker.start();
            assertThat(broker.isStarted()).isTrue();
            assertThat(accepts(broker.port())).isTrue();
            assertThatThrownBy(broker::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
