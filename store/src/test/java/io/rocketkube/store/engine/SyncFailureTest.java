package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.StoreHealth;
import io.rocketkube.store.TestMessages;
import io.rocketkube.store.file.FileSync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fsync failures are fatal, not retried (issue 16): after one failed {@code fdatasync} the kernel may
 * have dropped the dirty pages, so a later successful sync proves nothing. A {@link FileSync} seam fails
 * exactly one data sync; every sync after it would succeed.
 */
class SyncFailureTest {

    @TempDir
    Path dir;

    /** Fails the next data sync once when armed; records directory syncs. */
    static final class FlakySync implements FileSync {
        final AtomicBoolean failNext = new AtomicBoolean();
        final AtomicInteger dataSyncs = new AtomicInteger();
        final List<Path> dirSyncs = new CopyOnWriteArrayList<>();

        @Override
        public void forceData(FileChannel channel, Path path) throws IOException {
            dataSyncs.incrementAndGet();
            if (failNext.compareAndSet(true, false)) {
                throw new IOException("Input/output error (injected)");
            }
            channel.force(false);
        }

        @Override
        public void forceDirectory(Path d) throws IOException {
            dirSyncs.add(d.toAbsolutePath().normalize());
            SYSTEM.forceDirectory(d);
        }
    }

    private StoreConfig.Builder config(FlakySync sync) {
        return smallConfig(dir)
                .flushMode(FlushMode.SYNC_FLUSH)
                .syncFlushTimeout(Duration.ofSeconds(5))
                .fileSync(sync);
    }

    @Test
    void oneFailedSyncStopsAcknowledgingSyncFlushWritesForGood() {
        FlakySync sync = new FlakySync();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(sync).build()).start()) {
            PutResult before = store.put(message("T", 0, "durable")).join();
            assertThat(before.status()).isEqualTo(PutStatus.PUT_OK);
            assertThat(store.health().live()).isTrue();

            sync.failNext.set(true);
            PutResult during = store.put(message("T", 0, "sync fails")).join();
            assertThat(during.status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
            assertThat(during.errorMessage()).contains("fdatasync").contains("injected");
            int syncsAfterFailure = sync.dataSyncs.get();

            // Syncing works again, but nothing may be acknowledged any more.
            for (int i = 0; i < 3; i++) {
                PutResult after = store.put(message("T", 0, "after " + i)).join();
                assertThat(after.status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
                assertThat(after.errorMessage()).contains("fdatasync");
            }
            StoreHealth health = store.health();
            assertThat(health.live()).isFalse();
            assertThat(health.writable()).isFalse();
            assertThat(health.fatalReason())
                    .hasValueSatisfying(r -> assertThat(r).contains("fdatasync").contains("injected"));
            assertThat(sync.dataSyncs.get())
                    .as("no sync is retried after the failure")
                    .isEqualTo(syncsAfterFailure);
            assertThat(store.maxPhysicalOffset())
                    .as("refused appends wrote nothing")
                    .isEqualTo(before.wroteBytes()
                            + store.lookMessageByPhysicalOffset(before.wroteBytes())
                                    .orElseThrow()
                                    .size());

            // Reads keep working.
            await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset("T", 0) >= 1);
            assertThat(store.lookMessageByPhysicalOffset(before.firstPhysicalOffset()))
                    .isPresent();
        }
    }

    @Test
    void aFailedIntervalFlushFailsLaterWaiters() {
        FlakySync sync = new FlakySync();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(sync).build()).start()) {
            sync.failNext.set(true);
            // A non-waiting append is flushed by the interval rule, which hits the failure.
            MessageRecordRequest noWait = MessageRecordRequest.builder("T", 0, java.nio.ByteBuffer.wrap(new byte[] {1}))
                    .bornHost(TestMessages.BORN)
                    .waitStoreMsgOk(false)
                    .build();
            assertThat(store.put(noWait).join().status()).isEqualTo(PutStatus.PUT_OK);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> store.health().fatalReason().isPresent());
            assertThat(store.put(message("T", 0, "waits")).join().status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
        }
    }

    @Test
    void newSegmentQueueAndIndexFilesHaveTheirDirectorySynced() {
        FlakySync sync = new FlakySync();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(sync).build()).start()) {
            assertThat(store.put(message("T", 3, "first", null, "k1", null))
                            .join()
                            .isOk())
                    .isTrue();
            store.flush();
            Path root = dir.toAbsolutePath().normalize();
            assertThat(sync.dirSyncs)
                    .contains(
                            root.resolve("commitlog"),
                            root.resolve("consumequeue").resolve("T").resolve("3"),
                            root.resolve("consumequeue").resolve("T"),
                            root.resolve("index"));
        }
    }
}
