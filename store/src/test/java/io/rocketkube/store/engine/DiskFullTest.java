package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.bodyOf;
import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.GetStatus;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Disk full (issue 16), on a real small file system: a 64 MiB tmpfs mounted by the test (we run as
 * root; skipped where mounting is not permitted) and always unmounted after. A filler file takes most of
 * it; the store fills the rest.
 *
 * <ul>
 *   <li>With the write gate, appends are refused DISK_FULL before the file system is full.</li>
 *   <li>With the gate off, the file system really fills: the append that finds no space is refused
 *   (ENOSPC from block allocation) instead of faulting on a mapped write (SIGBUS).</li>
 * </ul>
 * Either way everything acknowledged stays readable, reads keep working, and appends succeed again once
 * the filler is deleted.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullTest {

    private static final String TOPIC = "DiskFull";
    private static final int BODY = 16 * 1024 - 512;

    private Path mount;

    @BeforeEach
    void mountTmpfs() throws Exception {
        mount = Files.createTempDirectory("rk-diskfull");
        int rc = run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString());
        if (rc != 0) {
            Files.deleteIfExists(mount);
            Assumptions.abort("cannot mount a tmpfs here (rc " + rc + ")");
        }
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null && Files.exists(mount)) {
            int rc = run("umount", mount.toString());
            if (rc != 0) {
                run("umount", "-l", mount.toString());
            }
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void theWriteGateRefusesBeforeTheDiskIsFullAndOpensWhenSpaceIsFreed() throws Exception {
        Path filler = mount.resolve("filler");
        fill(filler, 36L << 20);
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config().diskFullPercent(75).build()).start()) {
            List<PutResult> acked = new ArrayList<>();
            PutResult refused = appendUntilRefused(store, acked);

            assertThat(refused.status()).isEqualTo(PutStatus.DISK_FULL);
            assertThat(refused.errorMessage()).contains("disk is full");
            FileStore fs = Files.getFileStore(mount);
            assertThat(fs.getUsableSpace())
                    .as("refused before the file system is full")
                    .isGreaterThan(8L << 20);
            assertThat(acked).isNotEmpty();
            assertThat(store.health().diskFull()).isTrue();
            assertThat(store.health().writable()).isFalse();
            assertThat(store.health().live()).as("a full disk needs no restart").isTrue();
            assertThat(store.put(message(TOPIC, 0, "still full")).join().status())
                    .isEqualTo(PutStatus.DISK_FULL);

            assertEverythingAckedIsReadable(store, acked);

            Files.delete(filler);
            PutResult afterFree = await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> store.put(message(TOPIC, 0, "after free")).join(), PutResult::isOk);
            assertThat(afterFree.firstQueueOffset()).isEqualTo(acked.size());
            assertThat(store.health().writable()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset(TOPIC, 0) > acked.size());
            try (GetResult g = store.get(TOPIC, 0, acked.size(), 1, 1 << 20, MessageFilter.ALL)) {
                assertThat(bodyOf(g.messages().get(0))).isEqualTo("after free");
            }
        }
    }

    @Test
    void aReallyFullDiskRefusesTheAppendInsteadOfFaulting() throws Exception {
        Path filler = mount.resolve("filler");
        fill(filler, 48L << 20);
        // Gate off: only the file system itself stops the appends. The mapping path (ASYNC_FLUSH) is the
        // one a sparse page could fault on.
        StoreConfig config =
                config().diskFullPercent(100).flushMode(FlushMode.ASYNC_FLUSH).build();
        try (DefaultMessageStore store = DefaultMessageStore.open(config).start()) {
            List<PutResult> acked = new ArrayList<>();
            PutResult refused = appendUntilRefused(store, acked);

            assertThat(refused.status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
            assertThat(refused.errorMessage()).containsIgnoringCase("space");
            assertThat(acked).hasSizeGreaterThan(100);
            assertEverythingAckedIsReadable(store, acked);

            Files.delete(filler);
            PutResult afterFree = await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> store.put(message(TOPIC, 0, "after free")).join(), PutResult::isOk);
            assertThat(afterFree.firstQueueOffset()).isEqualTo(acked.size());
        }
    }

    @Test
    void retentionFreesSpaceWhileTheGateIsClosed() throws Exception {
        fill(mount.resolve("filler"), 36L << 20);
        // Retention on disk pressure at any hour (here run by hand, so the test decides when).
        StoreConfig config =
                config().diskFullPercent(75).diskCleanForciblyPercent(70).build();
        try (DefaultMessageStore store = DefaultMessageStore.open(config).start()) {
            List<PutResult> acked = new ArrayList<>();
            assertThat(appendUntilRefused(store, acked).status()).isEqualTo(PutStatus.DISK_FULL);
            store.flush();

            assertThat(store.runRetention())
                    .as("segments deleted on disk pressure")
                    .isPositive();
            assertThat(store.minPhysicalOffset()).isPositive();
            PutResult after = await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> store.put(message(TOPIC, 0, "after retention")).join(), PutResult::isOk);
            assertThat(after.firstQueueOffset()).isEqualTo(acked.size());
        }
    }

    private StoreConfig.Builder config() {
        return smallConfig(mount.resolve("store"))
                .commitLogSegmentSize(1 << 20)
                .consumeQueueEntriesPerFile(20_000)
                // Retention stays out of the way: this test is about the gate, not about deleting data.
                .diskCleanExpiredPercent(100)
                .diskCleanForciblyPercent(100)
                .fileReservedHours(10_000)
                .retentionCheckInterval(Duration.ofHours(1));
    }

    /**
     * Appends 16 KiB messages until one is refused. The pause between appends (2 ms) bounds how far the
     * gate's 100 ms measurement can lag behind the writes (about 1.6 MiB).
     */
    private static PutResult appendUntilRefused(MessageStore store, List<PutResult> acked) {
        String pad = "x".repeat(BODY);
        for (int i = 0; i < 10_000; i++) {
            PutResult r = store.put(message(TOPIC, 0, i + ":" + pad)).join();
            if (!r.status().isStored()) {
                return r;
            }
            assertThat(r.firstQueueOffset()).isEqualTo(i);
            acked.add(r);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        throw new AssertionError("never refused after " + acked.size() + " appends");
    }

    private static void assertEverythingAckedIsReadable(MessageStore store, List<PutResult> acked) {
        await().atMost(Duration.ofSeconds(20)).until(() -> store.maxOffset(TOPIC, 0) >= acked.size());
        for (int i = 0; i < acked.size(); i++) {
            try (GetResult g = store.get(TOPIC, 0, i, 1, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.status()).isEqualTo(GetStatus.FOUND);
                assertThat(bodyOf(g.messages().get(0))).startsWith(i + ":");
            }
        }
    }

    private static void fill(Path file, long bytes) throws IOException {
        byte[] chunk = new byte[1 << 20];
        java.util.Arrays.fill(chunk, (byte) 7);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long n = 0; n < bytes; n += chunk.length) {
                out.write(chunk);
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
