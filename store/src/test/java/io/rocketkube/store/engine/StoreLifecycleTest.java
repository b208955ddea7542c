package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.recovery.CrashPoint;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's lifecycle: open recovers and starts no thread, start starts them once, close stops them and is
 * idempotent, and a store that was never started closes cleanly. Threads are recognised by the names the
 * store gives them ({@code store-dispatcher}, {@code store-flush}, {@code store-prefault <dir>},
 * {@code store-scheduler}), counting only threads that did not exist before the store was opened.
 */
class StoreLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void openStartsNoThreadAndStartStartsEachOnce() {
        Set<Thread> before = storeThreads();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(smallConfig(dir).build())) {
            assertThat(newStoreThreadNames(before)).isEmpty();
            PutResult early = store.put(message("T", 0, "too early")).join();
            assertThat(early.status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
            assertThatThrownBy(() -> store.appendReplicated(0, ByteBuffer.allocate(0)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not started");

            store.start();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(newStoreThreadNames(before))
                            .containsExactlyInAnyOrder(
                                    "store-dispatcher",
                                    "store-flush",
                                    "store-prefault " + dir.resolve("commitlog"),
                                    "store-scheduler"));
            assertThat(store.put(message("T", 0, "served")).join().status()).isEqualTo(PutStatus.PUT_OK);

            assertThatThrownBy(store::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already started");
            assertThat(newStoreThreadNames(before)).hasSize(4);
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(newStoreThreadNames(before)).isEmpty());
    }

    /**
     * Close is start in reverse: every thread (the prefaulter too) has ended before the files are closed, which
     * happens right after the final checkpoint.
     */
    @Test
    void closeStopsEveryThreadBeforeTheFilesAreClosed() {
        Set<Thread> before = storeThreads();
        Set<String> aliveAtCheckpoint = ConcurrentHashMap.newKeySet();
        CrashPoint.Hook hook = point -> {
            if (point == CrashPoint.CLOSE_AFTER_CHECKPOINT) {
                aliveAtCheckpoint.addAll(newStoreThreadNames(before));
            }
        };
        DefaultMessageStore store = DefaultMessageStore.open(smallConfig(dir).build(), hook, Duration.ofSeconds(30));
        store.start();
        assertThat(store.put(message("T", 0, "m")).join().status()).isEqualTo(PutStatus.PUT_OK);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(newStoreThreadNames(before)).hasSize(4));

        store.close();

        assertThat(aliveAtCheckpoint).isEmpty();
        assertThat(newStoreThreadNames(before)).isEmpty();
    }

    @Test
    void aClosedStoreCannotBeStartedAndClosesTwiceQuietly() {
        DefaultMessageStore store = DefaultMessageStore.open(smallConfig(dir).build());
        store.close();
        store.close();
        assertThatThrownBy(store::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void aStoreNeverStartedClosesCleanlyAndKeepsWhatRecoveryFound() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            for (int i = 0; i < 10; i++) {
                assertThat(store.put(message("T", 0, "m" + i)).join().status()).isEqualTo(PutStatus.PUT_OK);
            }
        }
        Set<Thread> before = storeThreads();
        DefaultMessageStore unstarted =
                DefaultMessageStore.open(smallConfig(dir).build());
        assertThat(unstarted.recoveryOutcome().clean()).isTrue();
        assertThat(unstarted.maxOffset("T", 0)).isEqualTo(10);
        unstarted.close();
        assertThat(newStoreThreadNames(before)).isEmpty();
        assertThat(dir.resolve("abort")).doesNotExist();

        // The lock is released and the checkpoint vouches for everything: the next open is clean again.
        try (DefaultMessageStore again = SmallStores.started(dir)) {
            assertThat(again.recoveryOutcome().clean()).isTrue();
            assertThat(again.maxOffset("T", 0)).isEqualTo(10);
        }
    }

    private static Set<Thread> storeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("store-"))
                .collect(Collectors.toSet());
    }

    private static Set<String> newStoreThreadNames(Set<Thread> before) {
        return storeThreads().stream()
                .filter(t -> !before.contains(t))
                .map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
