package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.store.recovery.Recovery;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a clean shutdown, recovery trusts the checkpoint and scans nothing, and says so. */
class RestartRecoveryTest {

    @TempDir
    Path dir;

    @Test
    void cleanRestartDoesNotRescanAndLogsIt() throws Exception {
        long end;
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            for (int i = 0; i < 400; i++) {
                store.put(message("R", i % 4, "payload-" + i + "-" + "p".repeat(500), "t", "k" + i, null))
                        .join();
            }
            end = store.maxPhysicalOffset();
        }
        assertThat(end).as("several segments").isGreaterThan(3L * 64 * 1024);
        assertThat(Files.exists(dir.resolve("abort"))).isFalse();

        String log;
        Recovery.Outcome outcome;
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            outcome = store.recoveryOutcome();
            assertThat(store.maxOffset("R", 3)).isEqualTo(100);
            assertThat(store.put(message("R", 3, "next")).join().firstQueueOffset())
                    .isEqualTo(100);
            assertThat(store.queryByKey("R", "k7", 2, 0, Long.MAX_VALUE).messages())
                    .hasSize(1);
        } finally {
            System.setErr(original);
            log = captured.toString(StandardCharsets.UTF_8);
        }
        assertThat(outcome.clean()).isTrue();
        assertThat(outcome.scannedBytes()).isZero();
        assertThat(outcome.end()).isEqualTo(end);
        assertThat(log).contains("clean shutdown detected").contains("without scanning");
    }

    @Test
    void crashRestartScansOnlyFromTheCheckpoint() throws Exception {
        long end;
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            for (int i = 0; i < 200; i++) {
                store.put(message("R", 0, "payload-" + i)).join();
            }
            store.flush();
            for (int i = 0; i < 10; i++) {
                store.put(message("R", 0, "late-" + i)).join();
            }
            end = store.maxPhysicalOffset();
            store.flush();
        }
        // Make the last clean state look like a crash right after the flush.
        Files.createFile(dir.resolve("abort"));
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            Recovery.Outcome o = store.recoveryOutcome();
            assertThat(o.clean()).isFalse();
            assertThat(o.start()).isEqualTo(end);
            assertThat(o.scannedBytes()).isZero();
            assertThat(store.maxOffset("R", 0)).isEqualTo(210);
        }
    }
}
