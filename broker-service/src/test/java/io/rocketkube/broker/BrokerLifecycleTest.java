package io.rocketkube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's lifecycle: open recovers the store and binds nothing, start serves once, close is idempotent
 * and also releases a broker that was opened and never started (its store's directory lock included). A step
 * failing late in open leaves nothing open behind it, and a start failing late leaves nothing running after
 * close. Failures are injected where both steps register a meter: a registry that refuses one meter.
 */
@Timeout(60)
class BrokerLifecycleTest {
    /** Names of the threads a broker (its store, pools, servers, HA and services) starts. */
    private static final List<String> BROKER_THREADS = List.of(
            "broker-",
            "store-",
            "remoting-",
            "ha-",
            "schedule-delivery",
            "timer-delivery",
            "transaction-check",
            "slave-sync");

    @TempDir
    Path dir;

    private Broker open() throws IOException {
        return open(new SimpleMeterRegistry());
    }

    private Broker open(MeterRegistry meters) throws IOException {
        return Broker.open(
                BrokerSettings.forTest("127.0.0.1", dir, ""), Clock.systemUTC(), DefaultMessageStore::open, meters);
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

    /**
     * The registrar is built last but one; by then the store, the pools, the timer wheel and the remoting client's
     * event loops (an epoll descriptor each) are open, and all of them must be closed again.
     */
    @Test
    void anOpenFailingAtALateStepClosesWhatTheEarlierStepsOpened() throws Exception {
        assumeThat(Path.of("/proc/self/fd")).isDirectory();
        Set<Thread> before = brokerThreads();
        long pollers = openFiles().stream().filter(f -> f.contains("eventpoll")).count();

        assertThatThrownBy(() -> open(refusing("register-broker")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("register-broker");

        await("nothing the failed open built still holds a descriptor")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> {
                    List<String> files = openFiles();
                    assertThat(files).noneMatch(f -> f.startsWith(dir.toString()));
                    assertThat(files.stream().filter(f -> f.contains("eventpoll")))
                            .hasSizeLessThanOrEqualTo((int) pollers);
                });
        assertThat(newThreadNames(before)).isEmpty();
        try (Broker again = open()) {
            again.start();
            assertThat(accepts(again.port())).isTrue();
        }
    }

    /**
     * The last step of start (scheduling the stats sample) fails after every service and port is up and the
     * broker has registered: close stops all of it, and the registration goes with the closed connection.
     */
    @Test
    void aStartFailingAtItsLastStepLeavesNothingRunningAfterClose() throws Exception {
        // Taken before the NameServer starts: its I/O threads start only when the broker connects, and are
        // counted too, once the NameServer is closed as well.
        Set<Thread> before = brokerThreads();
        try (NameServer nameServer =
                new NameServer(NameServerSettings.forTest("127.0.0.1", dir.resolve("namesrv")), Clock.systemUTC())) {
            nameServer.start();
            Broker broker = Broker.open(
                    BrokerSettings.forTest("127.0.0.1", dir.resolve("broker"), nameServer.address()),
                    Clock.systemUTC(),
                    DefaultMessageStore::open,
                    refusing("stats-sample"));
            assertThatThrownBy(broker::start).hasMessageContaining("stats-sample");
            assertThat(accepts(broker.port())).isTrue();
            assertThat(accepts(broker.haPort())).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> broker.lastRegistrationMillis() >= 0);
            assertThat(nameServer.routes().dataVersionOf(broker.address())).isNotNull();

            broker.close();

            assertThat(accepts(broker.port())).isFalse();
            assertThat(accepts(broker.haPort())).isFalse();
            await("the NameServer dropped the broker")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> nameServer.routes().dataVersionOf(broker.address()) == null);
        }
        await("every thread the start started has ended")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(newThreadNames(before)).isEmpty());
    }

    /** A registry that refuses the failure counter of the broker task {@code task}, as its step registers it. */
    private static MeterRegistry refusing(String task) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (task.equals(id.getTag("task"))) {
                    throw new IllegalStateException("injected: meter of " + task + " refused");
                }
                return id;
            }
        });
        return meters;
    }

    private static Set<Thread> brokerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && BROKER_THREADS.stream().anyMatch(t.getName()::startsWith))
                .collect(Collectors.toSet());
    }

    private static Set<String> newThreadNames(Set<Thread> before) {
        return brokerThreads().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }

    /** What this process's file descriptors point at (Linux). */
    private static List<String> openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString();
                        } catch (IOException closedMeanwhile) {
                            return "";
                        }
                    })
                    .toList();
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
