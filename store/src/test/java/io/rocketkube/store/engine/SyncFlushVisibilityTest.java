package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.TestMessages;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Under SYNC_FLUSH a consumer must never read a record a crash could still take away: nothing is
 * dispatched past the flushed offset. The flusher is held back by an interval far beyond the test and
 * an append that does not wait (WAIT=false), so the record stays written but not durable until the
 * test flushes. The same steps under ASYNC_FLUSH do see the record at once: the assertion differs by mode.
 */
class SyncFlushVisibilityTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FlushMode.class)
    void aRecordBecomesReadableOnlyOnceDurableUnderSyncFlush(FlushMode mode) {
        StoreConfig config = smallConfig(dir)
                .flushMode(mode)
                .flushInterval(Duration.ofHours(1))
                .flushThoroughInterval(Duration.ofHours(1))
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(config).start()) {
            MessageRecordRequest noWait = MessageRecordRequest.builder(
                            "V",
                            0,
                            java.nio.ByteBuffer.wrap(
                                    "not yet durable".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .bornHost(TestMessages.BORN)
                    .waitStoreMsgOk(false)
                    .build();
            PutResult put = store.put(noWait).join();
            assertThat(put.status()).isEqualTo(PutStatus.PUT_OK);
            assertThat(store.stats().flushedOffset())
                    .as("the flusher is held back")
                    .isLessThan(store.maxPhysicalOffset());

            if (mode == FlushMode.SYNC_FLUSH) {
                // Before the fix the dispatcher went up to the written offset: the record showed up here.
                await().during(Duration.ofMillis(300))
                        .atMost(Duration.ofSeconds(2))
                        .until(() -> store.maxOffset("V", 0) == 0);
                try (GetResult g = store.get("V", 0, 0, 1, 1 << 20, MessageFilter.ALL)) {
                    assertThat(g.messages()).isEmpty();
                }
                store.flush();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> store.maxOffset("V", 0) == 1);
            try (GetResult g = store.get("V", 0, 0, 1, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.messages()).hasSize(1);
                assertThat(TestMessages.bodyOf(g.messages().get(0))).isEqualTo("not yet durable");
            }
            if (mode == FlushMode.ASYNC_FLUSH) {
                assertThat(store.stats().flushedOffset())
                        .as("readable while not durable")
                        .isLessThan(store.maxPhysicalOffset());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(FlushMode.class)
    void waitingAppendsAreReadableAfterTheirAck(FlushMode mode) {
        try (DefaultMessageStore store = DefaultMessageStore.open(
                        smallConfig(dir).flushMode(mode).build())
                .start()) {
            for (int i = 0; i < 20; i++) {
                assertThat(store.put(message("V", 1, "m" + i)).join().status()).isEqualTo(PutStatus.PUT_OK);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> store.maxOffset("V", 1) == 20);
        }
    }
}
