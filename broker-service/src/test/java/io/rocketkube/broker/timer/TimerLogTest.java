package io.rocketkube.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The segment header on real files: records survive a reopen behind it, and a segment whose header is not one
 * this broker wrote (other magic, other version, a flipped bit, another segment size, a renamed file) stops
 * the open with an error naming the file instead of being read as timers.
 */
class TimerLogTest {
    @TempDir
    Path dir;

    @Test
    void recordsLiveBehindTheHeaderAndSurviveAReopen() throws Exception {
        try (TimerLog log = new TimerLog(dir, 4)) {
            for (int i = 0; i < 6; i++) {
                log.append(1000L + i, 1000L, i, 100L * i, 50, i - 1L);
            }
        }
        assertThat(Files.size(segment(0))).isEqualTo(TimerLog.HEADER_SIZE + 4L * TimerLog.RECORD_SIZE);
        assertThat(Files.size(segment(4 * TimerLog.RECORD_SIZE)))
                .isEqualTo(TimerLog.HEADER_SIZE + 2L * TimerLog.RECORD_SIZE);
        try (TimerLog log = new TimerLog(dir, 4)) {
            assertThat(log.end()).isEqualTo(6L * TimerLog.RECORD_SIZE);
            assertThat(log.read(5L * TimerLog.RECORD_SIZE).queueOffset()).isEqualTo(5);
            assertThat(log.read(0).deliverMs()).isEqualTo(1000L);
        }
    }

    @Test
    void aWrongMagicIsRefusedNamingTheFile() throws Exception {
        writeTwoRecords();
        patch(segment(0), TimerLog.H_MAGIC, ByteBuffer.allocate(4).putInt(0, 0x52_4B_54_57)); // "RKTW": the wheel's
        assertThatThrownBy(() -> new TimerLog(dir, 4))
                .isInstanceOf(TimerLog.TimerLogFormatException.class)
                .hasMessageContaining(segment(0).toString())
                .hasMessageContaining("bad magic");
    }

    @Test
    void aFlippedHeaderBitFailsTheCrc() throws Exception {
        writeTwoRecords();
        patch(segment(0), TimerLog.H_SEGMENT_START + 7, ByteBuffer.wrap(new byte[] {1}));
        assertThatThrownBy(() -> new TimerLog(dir, 4))
                .isInstanceOf(TimerLog.TimerLogFormatException.class)
                .hasMessageContaining(segment(0).toString())
                .hasMessageContaining("CRC");
    }

    @Test
    void anUnknownVersionIsRefused() throws Exception {
        writeTwoRecords();
        ByteBuffer header = ByteBuffer.allocate(TimerLog.HEADER_SIZE);
        try (FileChannel c = FileChannel.open(segment(0), StandardOpenOption.READ)) {
            c.read(header, 0);
        }
        header.putInt(TimerLog.H_VERSION, TimerLog.FORMAT_VERSION + 1);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header.array(), 0, TimerLog.H_CRC);
        header.putInt(TimerLog.H_CRC, (int) crc.getValue());
        patch(segment(0), 0, header.clear());
        assertThatThrownBy(() -> new TimerLog(dir, 4))
                .isInstanceOf(TimerLog.TimerLogFormatException.class)
                .hasMessageContaining(segment(0).toString())
                .hasMessageContaining("unknown format version 2");
    }

    @Test
    void anotherSegmentSizeOrARenamedFileIsRefused() throws Exception {
        writeTwoRecords();
        assertThatThrownBy(() -> new TimerLog(dir, 8))
                .isInstanceOf(TimerLog.TimerLogFormatException.class)
                .hasMessageContaining("written with 4 records of 48 bytes per segment");
        Files.move(segment(0), segment(8 * TimerLog.RECORD_SIZE));
        assertThatThrownBy(() -> new TimerLog(dir, 4))
                .isInstanceOf(TimerLog.TimerLogFormatException.class)
                .hasMessageContaining("header says it starts at 0");
    }

    @Test
    void aLastSegmentKilledBeforeItsHeaderWasWrittenIsStartedAgain() throws Exception {
        try (TimerLog log = new TimerLog(dir, 4)) {
            for (int i = 0; i < 4; i++) {
                log.append(1000, 1000, i, 50L * i, 50, -1);
            }
        }
        Files.write(segment(4 * TimerLog.RECORD_SIZE), new byte[5]);
        try (TimerLog log = new TimerLog(dir, 4)) {
            assertThat(log.end()).isEqualTo(4L * TimerLog.RECORD_SIZE);
            log.append(7, 7, 4, 400, 50, -1);
        }
        try (TimerLog log = new TimerLog(dir, 4)) {
            assertThat(log.read(4L * TimerLog.RECORD_SIZE).queueOffset()).isEqualTo(4);
        }
    }

    @Test
    void aScanVisitsEveryValidRecordAcrossChunksAndSegmentsAndStepsOverADamagedOne() throws Exception {
        int perSegment = 5_000; // a segment is read in two chunks, the log has three segments
        int records = 2 * perSegment + 2_001;
        try (TimerLog log = new TimerLog(dir, perSegment)) {
            for (int i = 0; i < records; i++) {
                log.append(1000L + i, 2000L + i, i, 100L * i, 50, i - 1L);
            }
        }
        int damaged = 4_100;
        patch(
                segment(0),
                TimerLog.HEADER_SIZE + (long) damaged * TimerLog.RECORD_SIZE + TimerLog.SLOT_TICK + 7,
                ByteBuffer.wrap(new byte[] {9}));
        java.util.List<TimerLog.Entry> seen = new java.util.ArrayList<>();
        try (TimerLog log = new TimerLog(dir, perSegment)) {
            log.forEach(seen::add);
            assertThat(seen).hasSize(records - 1);
            for (TimerLog.Entry e : seen) {
                assertThat(e).isEqualTo(log.read(e.position()));
            }
        }
        assertThat(seen.stream().map(TimerLog.Entry::queueOffset).toList())
                .doesNotContain((long) damaged)
                .startsWith(0L, 1L)
                .endsWith(records - 1L)
                .isSorted();
    }

    private void writeTwoRecords() throws IOException {
        try (TimerLog log = new TimerLog(dir, 4)) {
            log.append(1000, 1000, 0, 0, 50, -1);
            log.append(2000, 2000, 1, 50, 50, -1);
        }
    }

    private Path segment(long start) {
        return dir.resolve(String.format("%020d", start));
    }

    private static void patch(Path file, long at, ByteBuffer bytes) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
            c.write(bytes, at);
        }
    }
}
