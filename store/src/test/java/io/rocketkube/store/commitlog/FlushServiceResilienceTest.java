package io.rocketkube.store.commitlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.health.HealthState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flush thread survives an Error thrown by a collaborator (here its clock) and keeps making SYNC_FLUSH
 * appends durable; before, the Error ended the thread and every later waiting append timed out.
 */
class FlushServiceResilienceTest {

    @TempDir
    Path dir;

    private CommitLog commitLog;
    private FlushService flush;

    /** A clock that throws an Error on the next call once armed. */
    private static final class TrippingClock extends Clock {
        final AtomicBoolean armed = new AtomicBoolean();
        final AtomicInteger tripped = new AtomicInteger();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long millis() {
            if (armed.compareAndSet(true, false)) {
                tripped.incrementAndGet();
                throw new NoClassDefFoundError("simulated linkage error in the flush thread");
            }
            return System.currentTimeMillis();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }

    @AfterEach
    void close() {
        if (flush != null) {
            flush.stop();
        }
        if (commitLog != null) {
            commitLog.close();
        }
    }

    @Test
    void anErrorInOneIterationDoesNotEndTheFlushThread() {
        TrippingClock clock = new TrippingClock();
        commitLog = new CommitLog(dir, 64 * 1024, clock, r -> {});
        commitLog.recoverTo(0, java.util.Map.of());
        HealthState health = new HealthState(clock);
        flush = new FlushService(
                commitLog,
                FlushMode.SYNC_FLUSH,
                Duration.ofMillis(5),
                0,
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                clock);
        flush.monitorWith(health.loop("store-flush", true));
        flush.start();

        commitLog.appendRaw(0, ByteBuffer.wrap(new byte[100]).put(0, (byte) 1));
        clock.armed.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> clock.tripped.get() == 1);

        long end = commitLog.appendRaw(100, ByteBuffer.wrap(new byte[200]).put(0, (byte) 2));
        PutResult stored = PutResult.stored(PutStatus.PUT_OK, new long[] {100}, new long[] {0}, 200, 0);
        // Before: the thread was dead, so this waited out the 2 s timeout: FLUSH_DISK_TIMEOUT.
        assertThat(flush.awaitDurable(end, stored).join().status()).isEqualTo(PutStatus.PUT_OK);
        assertThat(commitLog.flushedOffset()).isEqualTo(end);
        assertThat(health.snapshot().threads()).singleElement().satisfies(t -> {
            assertThat(t.alive()).isTrue();
            assertThat(t.errors()).isEqualTo(1);
            assertThat(t.lastError()).contains("simulated linkage error");
        });
    }
}
