package io.rocketkube.store.commitlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.TestMessages;
import io.rocketkube.store.file.SegmentFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitLogTest {

    private static final int SEGMENT = 4096;

    @TempDir
    Path dir;

    private final List<DispatchRequest> hints = new ArrayList<>();
    private final RecordBatchEncoder encoder = new RecordBatchEncoder(
            TestMessages.STORE, SEGMENT - StoredMessageLayout.BLANK_LENGTH, SEGMENT - StoredMessageLayout.BLANK_LENGTH);
    private CommitLog log;

    @BeforeEach
    void open() {
        log = new CommitLog(dir, SEGMENT, Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC), hints::add);
        log.recoverTo(0, Map.of());
    }

    @AfterEach
    void close() {
        log.close();
    }

    private AppendResult append(String topic, int q, int bodySize) throws Exception {
        return log.append(encoder.encode(List.of(TestMessages.message(topic, q, "b".repeat(bodySize)))));
    }

    private RecordDecodeResult decodeAt(long phy) {
        SegmentFile s = log.retainSegment(phy);
        try {
            return StoredMessageDecoder.decode(s.mapped(), (int) (phy - s.start()), s.size(), 1 << 20, true);
        } finally {
            s.release();
        }
    }

    @Test
    void aRecordThatDoesNotFitTheTailGoesToTheNextSegmentBehindABlank() throws Exception {
        AppendResult a = append("T", 0, 1800);
        AppendResult b = append("T", 0, 1800);
        int used = a.wroteBytes() + b.wroteBytes();
        assertThat(used + StoredMessageLayout.BLANK_LENGTH).isLessThan(SEGMENT);
        AppendResult c = append("T", 0, 1800);
        assertThat(c.physicalOffsets()[0]).isEqualTo(SEGMENT);
        assertThat(decodeAt(used)).isEqualTo(new RecordDecodeResult.Blank(SEGMENT - used));
        assertThat(decodeAt(SEGMENT)).isInstanceOf(RecordDecodeResult.Decoded.class);
        assertThat(log.segments().count()).isEqualTo(2);
        assertThat(c.queueOffsets()).containsExactly(2);
        assertThat(dir.resolve("00000000000000004096")).exists();
    }

    @Test
    void aRecordLeavingLessThanABlankOfRoomAlsoRolls() throws Exception {
        AppendResult a = append("T", 0, 100);
        int room = SEGMENT - a.wroteBytes();
        // a record of exactly the remaining room would leave no space for the blank filler
        int body = room - StoredMessageLayout.recordSize(0, 0, 1, 0) - 4;
        AppendResult b = log.append(encoder.encode(List.of(TestMessages.message("T", 0, "x".repeat(body)))));
        assertThat(b.physicalOffsets()[0] + b.wroteBytes()).isGreaterThan(SEGMENT - StoredMessageLayout.BLANK_LENGTH);
        assertThat(b.physicalOffsets()[0]).isEqualTo(SEGMENT);
    }

    @Test
    void batchRecordsAreContiguousWithConsecutiveQueueOffsets() throws Exception {
        append("T", 5, 10);
        List<MessageRecordRequest> batch = List.of(
                TestMessages.message("T", 5, "a"),
                TestMessages.message("T", 5, "bb"),
                TestMessages.message("T", 5, "ccc"));
        AppendResult r = log.append(encoder.encode(batch));
        assertThat(r.queueOffsets()).containsExactly(1, 2, 3);
        for (int i = 0; i < 3; i++) {
            RecordDecodeResult d = decodeAt(r.physicalOffsets()[i]);
            assertThat(d).isInstanceOf(RecordDecodeResult.Decoded.class);
            assertThat(((RecordDecodeResult.Decoded) d).record().queueOffset()).isEqualTo(1 + i);
            assertThat(((RecordDecodeResult.Decoded) d).record().storeTimestamp())
                    .isEqualTo(1_000);
        }
        assertThat(hints).extracting(DispatchRequest::queueOffset).containsExactly(0L, 1L, 2L, 3L);
        assertThat(r.end()).isEqualTo(log.writtenOffset());
    }

    @Test
    void aBatchLargerThanASegmentIsRefused() {
        List<MessageRecordRequest> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(TestMessages.message("T", 0, "z".repeat(1500)));
        }
        assertThatThrownBy(() -> encoder.encode(batch))
                .isInstanceOfSatisfying(
                        RecordBatchEncoder.Refusal.class,
                        r -> assertThat(r.status()).isEqualTo(PutStatus.MESSAGE_ILLEGAL));
    }

    @Test
    void flushMakesTheWrittenOffsetDurable() throws Exception {
        append("T", 0, 10);
        assertThat(log.dirtyBytes()).isPositive();
        assertThat(log.flush()).isEqualTo(log.writtenOffset());
        assertThat(log.dirtyBytes()).isZero();
    }

    @Test
    void rawAppendsMustContinueTheLogAndMayCrossSegments() throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(SEGMENT + 100);
        assertThatThrownBy(() -> log.appendRaw(10, bytes.duplicate())).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.appendRaw(0, bytes.duplicate())).isEqualTo(SEGMENT + 100);
        assertThat(log.segments().count()).isEqualTo(2);
        assertThat(log.copy(SEGMENT - 10, 1000).remaining())
                .as("copies stop at the segment end")
                .isEqualTo(10);
        assertThat(log.copy(SEGMENT, 1000).remaining())
                .as("and at the written end")
                .isEqualTo(100);
    }

    @Test
    void truncateZeroesTheTailAndDropsLaterSegments() throws Exception {
        AppendResult a = append("T", 0, 1800);
        append("T", 0, 1800);
        append("T", 0, 1800);
        log.truncate(a.end());
        assertThat(log.segments().count()).isEqualTo(1);
        assertThat(decodeAt(a.end()))
                .isInstanceOfSatisfying(
                        RecordDecodeResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("zero bytes"));
    }

    @Test
    void prefaultingTheMappingAheadLeavesBytesPastTheWritePositionZeroAndStopsOnClose() throws Exception {
        Path mappedDir = dir.resolve("mapped");
        int segment = 64 * 1024;
        RecordBatchEncoder big =
                new RecordBatchEncoder(TestMessages.STORE, segment, segment - StoredMessageLayout.BLANK_LENGTH);
        CommitLog mapped = new CommitLog(mappedDir, segment, Clock.systemUTC(), r -> {}, WritePath.MAPPING);
        mapped.recoverTo(0, Map.of());
        mapped.startPrefault(3 * segment);
        List<Long> offsets = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                offsets.add(mapped.append(
                                big.encode(List.of(TestMessages.message("T", 0, "m" + i + "-" + "p".repeat(700)))))
                        .physicalOffsets()[0]);
            }
            long written = mapped.writtenOffset();
            for (int i = 0; i < offsets.size(); i++) {
                SegmentFile s = mapped.retainSegment(offsets.get(i));
                try {
                    RecordDecodeResult d = StoredMessageDecoder.decode(
                            s.mapped(), (int) (offsets.get(i) - s.start()), s.size(), 1 << 20, true);
                    assertThat(d).isInstanceOf(RecordDecodeResult.Decoded.class);
                    assertThat(((RecordDecodeResult.Decoded) d).record().queueOffset())
                            .isEqualTo(i);
                } finally {
                    s.release();
                }
            }
            SegmentFile tail = mapped.retainSegment(written);
            try {
                for (int p = (int) (written - tail.start()); p < tail.size(); p++) {
                    assertThat(tail.mapped().get(p))
                            .as("byte %d past the write position", p)
                            .isZero();
                }
            } finally {
                tail.release();
            }
            assertThat(Thread.getAllStackTraces().keySet())
                    .anyMatch(t -> t.getName().equals("store-prefault " + mappedDir));
        } finally {
            mapped.close();
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("store-prefault " + mappedDir) && t.isAlive()));
    }

    /** The event-loop append never waits: not for the lock, not for a new segment, not for a pwrite. */
    @Test
    void tryAppendRefusesWhenItWouldBlockAndWritesNothing() throws Exception {
        Path mappedDir = dir.resolve("try");
        java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch leave = new java.util.concurrent.CountDownLatch(1);
        // onAppend runs under the append lock: the seam to hold it from another thread.
        CommitLog mapped = new CommitLog(
                mappedDir,
                SEGMENT,
                Clock.systemUTC(),
                r -> {
                    if ("HOLD".equals(r.topic())) {
                        inside.countDown();
                        try {
                            leave.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                WritePath.MAPPING);
        mapped.recoverTo(0, Map.of());
        try {
            assertThat(mapped.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "a")))))
                    .as("the first segment does not exist yet: creating it is file I/O")
                    .isNull();
            assertThat(mapped.segments().count()).isZero();
            long first = mapped.append(encoder.encode(List.of(TestMessages.message("T", 0, "a"))))
                    .end();

            AppendResult inline = mapped.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "b"))));
            assertThat(inline).isNotNull();
            assertThat(inline.physicalOffsets()[0]).isEqualTo(first);

            EncodedBatch held = encoder.encode(List.of(TestMessages.message("HOLD", 0, "c")));
            Thread holder = new Thread(() -> mapped.append(held));
            holder.start();
            assertThat(inside.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long before = mapped.writtenOffset();
            long started = System.nanoTime();
            assertThat(mapped.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "d")))))
                    .as("lock held")
                    .isNull();
            assertThat(System.nanoTime() - started).isLessThan(java.util.concurrent.TimeUnit.SECONDS.toNanos(1));
            leave.countDown();
            holder.join(5000);
            assertThat(mapped.writtenOffset()).isGreaterThan(before);

            int room = (int) (mapped.segments().last().end() - mapped.writtenOffset());
            int bigBody = room;
            assertThat(mapped.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "e".repeat(bigBody))))))
                    .as("does not fit the current segment: rolling creates a file")
                    .isNull();
            assertThat(mapped.segments().count()).isEqualTo(1);
            long written = mapped.writtenOffset();
            assertThat(mapped.append(encoder.encode(List.of(TestMessages.message("T", 0, "e".repeat(bigBody)))))
                            .end())
                    .isGreaterThan(written);
            assertThat(mapped.segments().count()).isEqualTo(2);
        } finally {
            leave.countDown();
            mapped.close();
        }
        // The pwrite path never appends inline.
        assertThat(log.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "f")))))
                .isNull();
        append("T", 0, 10);
        assertThat(log.tryAppend(encoder.encode(List.of(TestMessages.message("T", 0, "g")))))
                .isNull();
    }
}
