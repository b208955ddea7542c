package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageArrivalListener;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.TestMessages;
import io.rocketkube.store.recovery.CrashPoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Races between close, the dispatcher and recovery, forced deterministically through the
 * {@link CrashPoint} hook and a listener that holds the dispatcher thread; crashes are simulated by
 * throwing at each point (LogLoaderTest style) and reopening.
 */
class CloseAndRecoveryRaceTest {

    private static final int MESSAGES = 120;
    private static final Duration SHORT_STOP = Duration.ofMillis(200);

    @TempDir
    Path dir;

    /** Thrown by a hook to abandon the store at a crash point. */
    private static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash(CrashPoint p) {
            super("simulated crash at " + p);
        }
    }

    /** Holds the dispatcher thread in its first arrival callback until released. */
    private static final class BlockingListener implements MessageArrivalListener {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<Thread> thread = new AtomicReference<>();

        @Override
        public void onArrival(String topic, int queueId, long queueOffset, long tagsCode, long storeTimestamp) {
            if (thread.compareAndSet(null, Thread.currentThread())) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        void releaseAndJoin() throws InterruptedException {
            release.countDown();
            thread.get().join(10_000);
            assertThat(thread.get().isAlive()).as("dispatcher thread ended").isFalse();
        }
    }

    @Test
    void aDispatcherThatOutlivesTheStopTimeoutNeverWritesIntoClosedFiles() throws Exception {
        Path data = dir.resolve("store");
        BlockingListener blocker = new BlockingListener();
        DefaultMessageStore store = DefaultMessageStore.open(
                        smallConfig(data).build(), CrashPoint.Hook.NONE, SHORT_STOP)
                .start();
        store.addArrivalListener(blocker);
        store.put(message("R", 0, "first", null, "k1", null)).join();
        assertThat(blocker.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            store.put(message("R", 0, "later-" + i, null, "later-" + i, null)).join();
        }
        store.close();
        Map<Path, String> afterClose = snapshot(data);

        blocker.releaseAndJoin();
        // Before: the released thread went on to dispatch "later-*" into the queue and index files the
        // store had already closed.
        assertThat(snapshot(data)).as("files after close").isEqualTo(afterClose);
    }

    @Test
    void closeKeepsTheAbortMarkerUnlessTheCheckpointCoversEverything() throws Exception {
        Path data = dir.resolve("store");
        BlockingListener blocker = new BlockingListener();
        CrashPoint.Hook hook = p -> {
            if (p == CrashPoint.CLOSE_AFTER_CHECKPOINT) {
                // The dispatcher that did not stop in time gets going again right after the checkpoint.
                try {
                    blocker.releaseAndJoin();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        };
        try (DefaultMessageStore store = DefaultMessageStore.open(
                        smallConfig(data).build(), hook, SHORT_STOP)
                .start()) {
            store.addArrivalListener(blocker);
            store.put(message("R", 0, "first")).join();
            assertThat(blocker.entered.await(10, TimeUnit.SECONDS)).isTrue();
            store.put(message("R", 0, "second")).join();
        }
        // Before: close read the dispatcher's offset again after the checkpoint, saw it complete and
        // removed the marker; the next open trusted the lagging checkpoint and cut "second" away.
        assertThat(Files.exists(data.resolve("abort"))).as("abort marker kept").isTrue();
        try (DefaultMessageStore store = SmallStores.started(data)) {
            assertThat(store.recoveryOutcome().clean()).isFalse();
            assertThat(bodies(store, "R", 0)).containsExactly("first", "second");
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = CrashPoint.class,
            names = {
                "OPEN_AFTER_MARKER",
                "REPAIR_AFTER_QUARANTINE",
                "REPAIR_AFTER_COMMITLOG_TRUNCATED",
                "REPAIR_AFTER_QUEUES_TRUNCATED",
                "REPAIR_AFTER_INDEX_TRUNCATED",
                "REPAIR_AFTER_REDISPATCH",
                "OPEN_AFTER_RECOVERY"
            })
    void aCrashInARepairAfterACleanShutdownLosesNothing(CrashPoint point) throws IOException {
        Path data = dir.resolve("store");
        fill(data);
        assertThat(Files.exists(data.resolve("abort"))).isFalse();
        // A corrupt index file makes a clean-shutdown open repair from below the checkpoint.
        try (Stream<Path> idx = Files.list(data.resolve("index"))) {
            for (Path p : idx.toList()) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(4);
                }
            }
        }
        crashAt(data, point);
        // Before: the marker was created only after recovery, so the crash left none, and this open
        // trusted the old checkpoint over queues the repair had already cut.
        verifyAll(data);
    }

    @ParameterizedTest
    @EnumSource(
            value = CrashPoint.class,
            names = {
                "OPEN_AFTER_MARKER",
                "REPAIR_AFTER_QUARANTINE",
                "REPAIR_AFTER_COMMITLOG_TRUNCATED",
                "REPAIR_AFTER_QUEUES_TRUNCATED",
                "REPAIR_AFTER_INDEX_TRUNCATED",
                "REPAIR_AFTER_REDISPATCH",
                "OPEN_AFTER_RECOVERY"
            })
    void aCrashDuringCrashRecoveryLosesNothing(CrashPoint point) throws IOException {
        Path data = dir.resolve("store");
        fill(data);
        Files.createFile(data.resolve("abort"));
        Files.delete(data.resolve("checkpoint"));
        crashAt(data, point);
        verifyAll(data);
    }

    private void crashAt(Path data, CrashPoint point) {
        CrashPoint.Hook crash = p -> {
            if (p == point) {
                throw new SimulatedCrash(p);
            }
        };
        assertThatThrownBy(() -> DefaultMessageStore.open(smallConfig(data).build(), crash, SHORT_STOP)
                        .start())
                .isInstanceOf(SimulatedCrash.class);
    }

    private static void fill(Path data) {
        try (DefaultMessageStore store = SmallStores.started(data)) {
            for (int i = 0; i < MESSAGES; i++) {
                store.put(message("R", i % 2, "m" + i + "-" + "x".repeat(i * 37 % 900), null, "key-" + i, null))
                        .join();
            }
        }
    }

    private static void verifyAll(Path data) {
        try (DefaultMessageStore store = SmallStores.started(data)) {
            List<String> all = new ArrayList<>(bodies(store, "R", 0));
            all.addAll(bodies(store, "R", 1));
            assertThat(all).hasSize(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                assertThat(store.queryByKey("R", "key-" + i, 4, 0, Long.MAX_VALUE)
                                .messages())
                        .as("key-%d", i)
                        .hasSize(1);
            }
        }
    }

    private static List<String> bodies(MessageStore s, String topic, int q) {
        List<String> out = new ArrayList<>();
        long o = s.minOffset(topic, q);
        while (o < s.maxOffset(topic, q)) {
            try (GetResult g = s.get(topic, q, o, 32, 1 << 20, MessageFilter.ALL)) {
                g.messages().forEach(m -> out.add(TestMessages.bodyOf(m)));
                o = g.nextBeginOffset();
            }
        }
        return out.stream()
                .map(b -> b.contains("-x") ? b.substring(0, b.indexOf("-x")) : b)
                .toList();
    }

    /** Every file under {@code root} (but the lock) with its size and CRC. */
    private static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                if (!p.getFileName().toString().equals("lock")) {
                    byte[] bytes = Files.readAllBytes(p);
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(bytes);
                    out.put(root.relativize(p), bytes.length + " bytes, crc " + Long.toHexString(crc.getValue()));
                }
            }
        }
        return out;
    }
}
