package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreHealth;
import io.rocketkube.store.TagsCodeResolver;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's background loops survive failures of their collaborators, count them, and report a stuck
 * or blocked loop and a latched fatal condition through {@link MessageStore#health()}.
 */
class StoreLoopHealthTest {

    private static final long STUCK_MILLIS = 60_000;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static StoreHealth.ThreadHealth thread(MessageStore store, String name) {
        return store.health().threads().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static int indexOf(ByteBuffer b, String s) {
        byte[] needle = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= b.limit(); i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aListenerThrowingAnErrorDoesNotEndDispatch() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            AtomicInteger calls = new AtomicInteger();
            store.addArrivalListener((topic, queueId, offset, tagsCode, storeTime) -> {
                if (calls.incrementAndGet() == 1) {
                    throw new StackOverflowError("listener blew up");
                }
            });
            store.put(message("H", 0, "first")).join();
            store.put(message("H", 0, "second")).join();
            // Before: the Error ended the dispatcher thread; "second" was never dispatched.
            await().atMost(WAIT).until(() -> store.maxOffset("H", 0) == 2);
            assertThat(calls.get()).isEqualTo(2);
            StoreHealth.ThreadHealth d = thread(store, "store-dispatcher");
            assertThat(d.alive()).isTrue();
            assertThat(d.errors()).isEqualTo(1);
            assertThat(d.lastError()).contains("listener blew up");
            assertThat(store.health().notLiveReason(store.config().clock().millis(), STUCK_MILLIS))
                    .isEmpty();
        }
    }

    @Test
    void aFailingCollaboratorIsRetriedWithBackoffAndDispatchCatchesUp() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"))) {
            for (int i = 0; i < 5; i++) {
                master.put(message("H", 0, "m" + i, "tag", null, null)).join();
            }
            AtomicInteger failures = new AtomicInteger(3);
            TagsCodeResolver flaky = (topic, props) -> {
                if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("resolver unavailable");
                }
                return TagsCodeResolver.TAGS_HASH.tagsCode(topic, props);
            };
            try (DefaultMessageStore replica = DefaultMessageStore.open(
                            smallConfig(dir.resolve("r")).build(), flaky)
                    .start()) {
                ByteBuffer bytes = master.readCommitLog(0, (int) master.maxPhysicalOffset());
                replica.appendReplicated(0, bytes);
                // Before: the first exception ended the dispatcher thread; the replica's queue stayed empty.
                await().atMost(WAIT).until(() -> replica.maxOffset("H", 0) == 5);
                StoreHealth.ThreadHealth d = thread(replica, "store-dispatcher");
                assertThat(d.alive()).isTrue();
                assertThat(d.errors()).isEqualTo(3);
                await().atMost(WAIT)
                        .until(() -> thread(replica, "store-dispatcher").consecutiveErrors() == 0);
                assertThat(replica.health().errorCount()).isGreaterThanOrEqualTo(3);
            }
        }
    }

    @Test
    void aBlockedDispatcherIsReportedStuckAndRecoversWhenUnblocked() throws Exception {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        try (DefaultMessageStore store =
                DefaultMessageStore.open(smallConfig(dir).clock(clock).build()).start()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            store.addArrivalListener((topic, queueId, offset, tagsCode, storeTime) -> {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            store.put(message("H", 0, "blocks the dispatcher")).join();
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(store.health().notLiveReason(clock.millis(), STUCK_MILLIS))
                    .isEmpty();

            clock.set(clock.millis() + STUCK_MILLIS + 1_000);
            // The other loops beat again at the new time; only the blocked one stays behind.
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(store.health().notLiveReason(clock.millis(), STUCK_MILLIS))
                            .hasValueSatisfying(
                                    r -> assertThat(r).startsWith("store thread store-dispatcher made no progress")));

            release.countDown();
            await().atMost(WAIT)
                    .until(() -> store.health()
                            .notLiveReason(clock.millis(), STUCK_MILLIS)
                            .isEmpty());
        }
    }

    @Test
    void aRecordTheDispatcherCannotPassLatchesAFatalReason() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            master.put(message("H", 0, "good")).join();
            long second = master.maxPhysicalOffset();
            master.put(message("H", 0, "this body gets a flipped byte")).join();
            ByteBuffer bytes = master.readCommitLog(0, (int) master.maxPhysicalOffset());
            int at = indexOf(bytes, "flipped");
            assertThat(at).isGreaterThan((int) second);
            bytes.put(at, (byte) (bytes.get(at) ^ 0x40));
            // The replica append now refuses such bytes outright (ReplicationTest); to reach the dispatcher's own
            // guard, the bytes go into the CommitLog unchecked, as a disk could corrupt them.
            assertThatThrownBy(() -> replica.appendReplicated(0, bytes))
                    .isInstanceOf(io.rocketkube.store.commitlog.InvalidReplicatedDataException.class);
            writeUnchecked(replica, bytes);

            await().atMost(WAIT).until(() -> !replica.health().fatal().isEmpty());
            assertThat(replica.maxOffset("H", 0)).isEqualTo(1);
            assertThat(replica.health().notLiveReason(replica.config().clock().millis(), STUCK_MILLIS))
                    .hasValueSatisfying(r -> assertThat(r).contains("cannot get past the invalid record at " + second));
            // Before: the dispatcher only logged and spun; nothing outside the store could tell.
        }
    }

    @Test
    void healthListsEveryLoopAndTheStoreIsLiveWhenIdle() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(store.health().threads())
                            .extracting(StoreHealth.ThreadHealth::name)
                            .contains(
                                    "store-dispatcher",
                                    "store-flush",
                                    "store-prefault",
                                    "store-scheduler",
                                    "store-checkpoint",
                                    "store-retention"));
            assertThat(store.health().threads()).allMatch(StoreHealth.ThreadHealth::alive);
            assertThat(store.health().notLiveReason(store.config().clock().millis(), STUCK_MILLIS))
                    .isEmpty();
            store.close();
            assertThat(store.health().notLiveReason(store.config().clock().millis(), STUCK_MILLIS))
                    .hasValue("store is closed");
        }
    }

    @Test
    void aDeadCriticalThreadMakesTheStoreNotLive() throws Exception {
        io.rocketkube.store.health.HealthState state =
                new io.rocketkube.store.health.HealthState(java.time.Clock.systemUTC());
        io.rocketkube.store.health.LoopMonitor m = state.loop("store-dispatcher", true);
        Thread t = new Thread(() -> {});
        m.attach(t);
        t.start();
        t.join();
        assertThat(state.snapshot().notLiveReason(System.currentTimeMillis(), STUCK_MILLIS))
                .hasValueSatisfying(r -> assertThat(r).isEqualTo("store thread store-dispatcher is dead"));
        state.latchFatal("fsync failed");
        assertThat(state.snapshot().notLiveReason(System.currentTimeMillis(), STUCK_MILLIS))
                .hasValue("store fatal: fsync failed");
    }

    private static void writeUnchecked(DefaultMessageStore store, ByteBuffer bytes) {
        try {
            java.lang.reflect.Field f = DefaultMessageStore.class.getDeclaredField("commitLog");
            f.setAccessible(true);
            ((io.rocketkube.store.commitlog.CommitLog) f.get(store)).appendRaw(0, bytes);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
