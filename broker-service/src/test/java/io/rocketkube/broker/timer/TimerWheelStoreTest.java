package io.rocketkube.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-disk schedule alone, on real files: ticks round up, the horizon rolls, and every way of coming back
 * (clean close, a process crash with records past the checkpoint, a crash between append and link, a damaged
 * wheel) ends with each pending timer linked exactly once and enqueue resuming after the last one.
 */
class TimerWheelStoreTest {
    private static final long P = 1000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aTimerIsLinkedIntoTheTickAtOrAfterItsTimeAndTheHorizonRolls() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 10, T0, 16)) {
            assertThat(s.deliverTick()).isEqualTo(T0);
            assertThat(s.slotTick(T0 + 1)).isEqualTo(T0 + P);
            assertThat(s.slotTick(T0 + P)).isEqualTo(T0 + P);
            assertThat(s.slotTick(T0 - 5_000))
                    .as("past: the next tick to deliver")
                    .isEqualTo(T0);
            assertThat(s.slotTick(T0 + 60_000))
                    .as("beyond the horizon: its last tick")
                    .isEqualTo(T0 + 9 * P);
            s.add(T0 + 1500, 0, 100, 50);
            s.add(T0 + 2000, 1, 150, 50);
            s.add(T0 + 60_000, 2, 200, 50);
            assertThat(chain(s, T0 + 2 * P))
                    .extracting(TimerLog.Entry::queueOffset)
                    .containsExactly(1L, 0L);
            assertThat(chain(s, T0 + 9 * P))
                    .extracting(TimerLog.Entry::deliverMs)
                    .containsExactly(T0 + 60_000);
            assertThat(s.pending()).isEqualTo(3);
            s.delivered();
            s.delivered();
            s.delivered();
            assertThat(s.deliverTick()).isEqualTo(T0 + 3 * P);
            assertThat(s.pending()).isEqualTo(1);
            assertThat(s.queueOffset()).isEqualTo(3);
        }
    }

    @Test
    void aProcessCrashKeepsTheRecordsPastTheCheckpointAndResumesAfterThem() throws Exception {
        TimerWheelStore crashed = TimerWheelStore.open(dir, P, 100, T0, 16);
        crashed.add(T0 + 5_000, 0, 100, 50);
        crashed.checkpoint();
        crashed.add(T0 + 5_000, 1, 150, 50);
        crashed.add(T0 + 7_000, 2, 200, 50);
        // No checkpoint, no close: what kill -9 leaves in the page cache.
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0 + 50, 16)) {
            assertThat(s.queueOffset()).isEqualTo(3);
            assertThat(chain(s, T0 + 5_000))
                    .extracting(TimerLog.Entry::queueOffset)
                    .containsExactly(1L, 0L);
            assertThat(chain(s, T0 + 7_000))
                    .extracting(TimerLog.Entry::queueOffset)
                    .containsExactly(2L);
            assertThat(s.pending()).isEqualTo(3);
        }
        crashed.close();
    }

    @Test
    void aRecordAppendedButNotLinkedIsDroppedAndEnqueuedAgain() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            s.add(T0 + 5_000, 0, 100, 50);
            s.checkpoint();
        }
        try (TimerLog log = new TimerLog(dir.resolve("timerlog"), 16)) {
            log.append(T0 + 6_000, T0 + 6_000, 1, 150, 50, -1);
        }
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            assertThat(s.queueOffset()).as("re-read from the ConsumeQueue").isEqualTo(1);
            assertThat(s.head(T0 + 6_000)).isEqualTo(-1);
            s.add(T0 + 6_000, 1, 150, 50);
            assertThat(chain(s, T0 + 6_000)).hasSize(1);
            assertThat(s.pending()).isEqualTo(2);
        }
    }

    @Test
    void aDamagedWheelIsRebuiltFromTheLogWithoutTheDeliveredTicks() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            for (int i = 0; i < 40; i++) {
                s.add(T0 + 1 + (i % 4) * P, i, 100L * i, 50);
            }
            s.delivered();
            s.delivered();
            s.checkpoint();
        }
        try (FileChannel wheel = FileChannel.open(dir.resolve("timerwheel"), StandardOpenOption.WRITE)) {
            wheel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), TimingWheel.HEADER_SIZE + 40);
        }
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            assertThat(s.deliverTick()).isEqualTo(T0 + 2 * P);
            assertThat(chain(s, T0 + P)).as("delivered before the damage").isEmpty();
            assertThat(chain(s, T0 + 2 * P)).hasSize(10).allMatch(e -> e.queueOffset() % 4 == 1);
            assertThat(chain(s, T0 + 4 * P)).hasSize(10).allMatch(e -> e.queueOffset() % 4 == 3);
            assertThat(s.pending()).isEqualTo(30);
            assertThat(s.queueOffset()).isEqualTo(40);
        }
    }

    @Test
    void aTornRecordCutsTheLogAndTheRestIsReadAgain() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            s.add(T0 + 3_000, 0, 100, 50);
            s.checkpoint();
            s.add(T0 + 3_000, 1, 150, 50);
            s.add(T0 + 3_000, 2, 200, 50);
        }
        Path segment = dir.resolve("timerlog").resolve(String.format("%020d", 0));
        try (FileChannel log = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            // What a machine crash can leave: the second record's page never reached the disk.
            log.write(ByteBuffer.wrap(new byte[TimerLog.RECORD_SIZE]), TimerLog.HEADER_SIZE + TimerLog.RECORD_SIZE);
        }
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 16)) {
            assertThat(s.queueOffset()).isEqualTo(1);
            assertThat(chain(s, T0 + 3_000))
                    .extracting(TimerLog.Entry::queueOffset)
                    .containsExactly(0L);
        }
    }

    @Test
    void segmentsWhoseTimersWereAllDeliveredAreDeleted() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 100, T0, 4)) {
            for (int i = 0; i < 8; i++) {
                s.add(T0 + 1 + (i < 4 ? 0 : 50 * P), i, 100L * i, 50);
            }
            s.add(T0 + 2 * P, 8, 900, 50);
            assertThat(s.logSegments()).isEqualTo(3);
            s.delivered();
            s.delivered();
            s.checkpoint();
            assertThat(s.logSegments())
                    .as("the first segment held only tick T0+1s")
                    .isEqualTo(2);
            assertThat(Files.list(dir.resolve("timerlog")).count()).isEqualTo(2);
        }
    }

    private static List<TimerLog.Entry> chain(TimerWheelStore s, long tick) throws IOException {
        List<TimerLog.Entry> out = new ArrayList<>();
        for (long p = s.head(tick); p >= 0; ) {
            TimerLog.Entry e = s.read(p);
            out.add(e);
            p = e.prev();
        }
        return out;
    }
}
