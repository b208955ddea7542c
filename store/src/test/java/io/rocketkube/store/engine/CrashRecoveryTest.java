package io.rocketkube.store.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.GetStatus;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a SYNC_FLUSH writer at random moments; after each kill, every acknowledged message must be
 * there, intact, at its acknowledged queue offset, and nothing else may be served but valid records
 * that the writer produced.
 */
class CrashRecoveryTest {

    private static final int THREADS = 3;

    @TempDir
    Path dir;

    /** The child's stdout (its acks) and stderr, outside its store and removed with the test like it. */
    @TempDir
    Path childOutput;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void acknowledgedMessagesSurviveKillNine() throws Exception {
        runCycles(20, 42);
    }

    @Test
    @Tag("slow")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void acknowledgedMessagesSurviveManyKills() throws Exception {
        runCycles(200, System.nanoTime());
    }

    private void runCycles(int cycles, long seed) throws Exception {
        Random random = new Random(seed);
        Map<Integer, Long> acked = new HashMap<>();
        for (int cycle = 0; cycle < cycles; cycle++) {
            List<String> lines = runChildAndKill(random);
            for (String line : lines) {
                String[] p = line.split(" ");
                if (p[0].equals("ACK")) {
                    int q = Integer.parseInt(p[1]);
                    long n = Long.parseLong(p[2]);
                    assertThat(Long.parseLong(p[3]))
                            .as("queue offset of q%d n%d", q, n)
                            .isEqualTo(n);
                    acked.merge(q, n, Math::max);
                }
                assertThat(p[0]).as("child line %s", line).isIn("ACK", "READY");
            }
            verify(acked, cycle);
        }
    }

    private List<String> runChildAndKill(Random random) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWriterMain.class.getName(),
                dir.toString(),
                Integer.toString(THREADS));
        pb.redirectError(childOutput.resolve("child.log").toFile());
        Path acks = childOutput.resolve("acks.txt");
        // A file, not a pipe: the acks the child wrote before SIGKILL must all be readable afterwards.
        pb.redirectOutput(acks.toFile());
        Process child = pb.start();
        long killAfterBytes = 20 + random.nextInt(16_000);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> Files.size(acks) > killAfterBytes || !child.isAlive());
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(acks, StandardCharsets.UTF_8);
        if (!lines.isEmpty() && !lines.get(lines.size() - 1).matches("(ACK \\d+ \\d+ \\d+)|(READY \\d+)")) {
            lines = lines.subList(0, lines.size() - 1);
        }
        assertThat(lines).as("child started").isNotEmpty();
        assertThat(lines.get(0)).startsWith("READY");
        return lines;
    }

    private void verify(Map<Integer, Long> acked, int cycle) {
        try (DefaultMessageStore store =
                DefaultMessageStore.open(CrashWriterMain.config(dir)).start()) {
            assertThat(store.recoveryOutcome().clean())
                    .as("a killed writer leaves the abort marker")
                    .isFalse();
            for (int q = 0; q < THREADS; q++) {
                long max = store.maxOffset(CrashWriterMain.TOPIC, q);
                Long lastAck = acked.get(q);
                if (lastAck != null) {
                    assertThat(max)
                            .as("cycle %d queue %d holds every acked message", cycle, q)
                            .isGreaterThan(lastAck);
                }
                long o = store.minOffset(CrashWriterMain.TOPIC, q);
                while (o < max) {
                    try (GetResult g = store.get(CrashWriterMain.TOPIC, q, o, 64, 1 << 20, MessageFilter.ALL)) {
                        assertThat(g.status()).isEqualTo(GetStatus.FOUND);
                        for (MessageSlice s : g.messages()) {
                            MessageRecord m = TestMessages.decode(s);
                            assertThat(new String(m.bodyBytes(), StandardCharsets.UTF_8))
                                    .isEqualTo(CrashWriterMain.expectedBody(q, m.queueOffset()));
                            assertThat(m.queueOffset()).isEqualTo(o++);
                        }
                    }
                }
                if (lastAck != null) {
                    String key = "K" + q + "-" + lastAck;
                    assertThat(store.queryByKey(CrashWriterMain.TOPIC, key, 4, 0, Long.MAX_VALUE)
                                    .messages())
                            .as("index holds the last acked key %s", key)
                            .hasSize(1);
                }
            }
            assertThat(store.lookMessageByPhysicalOffset(store.maxPhysicalOffset()))
                    .isEmpty();
        }
    }
}
