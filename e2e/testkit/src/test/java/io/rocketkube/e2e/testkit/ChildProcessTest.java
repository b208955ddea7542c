package io.rocketkube.e2e.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ChildProcessTest {

    private static final Path FIXTURE =
            Path.of("src/test/resources/ListenThenWait.java").toAbsolutePath();

    private static List<String> listener(String host, int port, long delayMillis) {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m",
                FIXTURE.toString(),
                host,
                Integer.toString(port),
                Long.toString(delayMillis));
    }

    @Test
    void waitsForTheTcpPortThenReportsBootTimeMemoryAndStopsByPid() {
        String host = Loopback.newAddress();
        int port = Loopback.freePort(host);
        Path dir = E2eLayout.newRunDir("listener");
        try (ChildProcess child =
                ChildProcess.start("listener", listener(host, port, 300), dir, Map.of(), dir.resolve("out.log"))) {
            Duration boot = child.awaitReady(ReadinessProbe.tcp(host, port), Duration.ofSeconds(60));

            assertThat(boot).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(child.bootToReady()).isEqualTo(boot);
            assertThat(child.pid())
                    .isEqualTo(ProcessHandle.of(child.pid()).orElseThrow().pid());
            assertThat(child.residentMemoryKib()).isBetween(1_000L, 2_000_000L);
            assertThat(child.logTail(5)).contains("listening");

            child.stop(Duration.ofSeconds(10));
            assertThat(child.isAlive()).isFalse();
            assertThat(ReadinessProbe.tcp(host, port).isReady()).isFalse();
        }
    }

    @Test
    void failsFastWithTheLogWhenTheProcessDiesBeforeItIsReady() {
        String host = Loopback.newAddress();
        Path dir = E2eLayout.newRunDir("dies");
        // Port -1 makes the fixture throw at bind time.
        try (ChildProcess child =
                ChildProcess.start("dies", listener(host, -1, 0), dir, Map.of(), dir.resolve("out.log"))) {
            assertThatThrownBy(() -> child.awaitReady(ReadinessProbe.tcp(host, 1), Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with")
                    .hasMessageContaining("IllegalArgumentException");
        }
    }

    @Test
    void timesOutWithTheProbeDescription() {
        String host = Loopback.newAddress();
        int port = Loopback.freePort(host);
        Path dir = E2eLayout.newRunDir("slow");
        try (ChildProcess child =
                ChildProcess.start("slow", listener(host, port, 60_000), dir, Map.of(), dir.resolve("out.log"))) {
            assertThatThrownBy(() -> child.awaitReady(ReadinessProbe.tcp(host, port), Duration.ofMillis(500)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("tcp " + host + ":" + port);
        }
    }
}
