package io.rocketkube.broker.timer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The timer log: one fixed-size record per timer that entered the wheel, appended in enqueue order, never
 * rewritten except a record's {@code prev} when the wheel is rebuilt. A record links to the previous record
 * of the same wheel slot, so a slot is a chain walked back from its head ({@link TimingWheel}). The
 * message itself stays in the CommitLog; the record only points at it.
 *
 * <pre>
 * offset  size  field
 * 0       8     deliverMs     when the timer is due (epoch ms, TIMER_OUT_MS)
 * 8       8     slotTick      the wheel tick it was linked into (its due tick, or the horizon's last for a roll)
 * 16      8     queueOffset   its offset in rmq_sys_wheel_timer queue 0 (recovery resumes after the highest)
 * 24      8     commitLogOffset
 * 32      4     size          of the CommitLog record; bit 31 set: a cancel marker ({@link #CANCEL_FLAG})
 * 36      8     prev          log position of the slot's previous record, -1 for none
 * 44      4     crc           CRC32C of bytes 0..43
 * 48            end
 * </pre>
 *
 * Big-endian. Positions are global (segment start + offset in it); segments are files of
 * {@code recordsPerSegment} records named by their 20-digit start position, each file beginning with a header
 * (the record at position p of a segment starting at s is at file offset {@code HEADER_SIZE + p - s}):
 *
 * <pre>
 * offset  size  field
 * 0       4     magic              "RKTL", so no other file is read as a timer log
 * 4       4     formatVersion      1; a version this broker does not know is refused
 * 8       8     segmentStart       must match the file name (a renamed or copied file is refused)
 * 16      4     recordSize         48
 * 20      4     recordsPerSegment  must match the broker's, or positions would map to the wrong file
 * 24      4     crc                CRC32C of bytes 0..23
 * 28      4     reserved           0
 * 32            first record
 * </pre>
 *
 * A header that fails any check stops the broker at start with the file's name ({@link TimerLogFormatException}):
 * reading the records of a foreign or damaged file would deliver wrong messages or lose due ones. A last
 * segment shorter than the header was being created when the process died (it holds no record) and is
 * written again. The header is forced when the segment is created, before any record goes into it.
 *
 * <p>A segment whose every record
 * was delivered is deleted whole ({@link #deleteDelivered}). Bounds: 48 bytes of disk per pending timer
 * (10 million pending: 480 MB) and no heap per timer; the heap holds one long per segment (its highest slot
 * tick, found by one sequential read of the segments at start).
 *
 * <p>Writes are positional and not forced: after a process crash the page cache still has them; the
 * service forces the log before it records a checkpoint, and a record past the checkpoint that fails its CRC
 * (a machine crash) cuts the log there ({@link #recoverTail}).
 *
 * <p>Not thread-safe: the timer thread is its only user.
 */
final class TimerLog implements AutoCloseable {
    static final int DELIVER_MS = 0;
    static final int SLOT_TICK = 8;
    static final int QUEUE_OFFSET = 16;
    static final int COMMIT_LOG_OFFSET = 24;
    static final int SIZE = 32;
    static final int PREV = 36;
    static final int CRC = 44;
    static final int RECORD_SIZE = 48;
    static final int DEFAULT_RECORDS_PER_SEGMENT = 1 << 20;
    /** Records read per system call by {@link #forEach} (192 KiB). */
    private static final int SCAN_CHUNK_RECORDS = 4096;
    /**
     * Set in {@code size} for a cancel marker (a timer-topic message with TIMER_DEL_UNIQKEY, RocketMQ 5's
     * MAGIC_DELETE), so delivery learns a tick's markers from the log alone, without reading each message.
     * A CommitLog record is far below 2 GB, so the bit was always 0 before: format version 1 still reads.
     */
    static final int CANCEL_FLAG = 0x8000_0000;

    static final int MAGIC = 0x524B544C; // "RKTL"
    static final int FORMAT_VERSION = 1;
    static final int H_MAGIC = 0;
    static final int H_VERSION = 4;
    static final int H_SEGMENT_START = 8;
    static final int H_RECORD_SIZE = 16;
    static final int H_RECORDS_PER_SEGMENT = 20;
    static final int H_CRC = 24;
    static final int HEADER_SIZE = 32;

    /** A record as read back. */
    record Entry(
            long position, long deliverMs, long slotTick, long queueOffset, long commitLogOffset, int size, long prev) {
        /** The CommitLog record's size, without {@link #CANCEL_FLAG}. */
        int messageSize() {
            return size & ~CANCEL_FLAG;
        }

        /** A cancel marker (TIMER_DEL_UNIQKEY), never delivered itself. */
        boolean cancel() {
            return (size & CANCEL_FLAG) != 0;
        }
    }

    private final Path dir;
    private final int recordsPerSegment;
    private final long segmentBytes;
    /** Segment start → channel; the last one is appended to. */
    private final TreeMap<Long, FileChannel> segments = new TreeMap<>();
    /** Segment start → the highest slot tick of its records. */
    private final TreeMap<Long, Long> maxTick = new TreeMap<>();

    private final ByteBuffer buffer = ByteBuffer.allocate(RECORD_SIZE);
    private final CRC32C crc = new CRC32C();
    private long end;

    TimerLog(Path dir, int recordsPerSegment) throws IOException {
        this.dir = dir;
        this.recordsPerSegment = recordsPerSegment;
        this.segmentBytes = (long) recordsPerSegment * RECORD_SIZE;
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("\\d{20}")) {
                    segments.put(
                            Long.parseLong(name),
                            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
                }
            }
        }
        try {
            for (Map.Entry<Long, FileChannel> segment : segments.entrySet()) {
                boolean last = segment.getKey().equals(segments.lastKey());
                if (last && segment.getValue().size() < HEADER_SIZE) {
                    writeHeader(segment.getValue(), segment.getKey());
                } else {
                    checkHeader(segment.getValue(), segment.getKey());
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        if (segments.isEmpty()) {
            end = 0;
        } else {
            Map.Entry<Long, FileChannel> last = segments.lastEntry();
            long size = last.getValue().size() - HEADER_SIZE;
            end = last.getKey() + Math.min(segmentBytes, size - size % RECORD_SIZE);
        }
    }

    /** Thrown at open when a segment's header is not one this broker wrote. */
    static final class TimerLogFormatException extends IOException {
        TimerLogFormatException(Path file, String problem) {
            super("timer log segment " + file + ": " + problem + "; refusing to read it (move the timer directory"
                    + " away to rebuild the schedule from the timer topic)");
        }
    }

    private void checkHeader(FileChannel channel, long start) throws IOException {
        Path file = dir.resolve(name(start));
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        while (header.hasRemaining()) {
            if (channel.read(header, header.position()) < 0) {
                throw new TimerLogFormatException(file, "shorter than its " + HEADER_SIZE + "-byte header");
            }
        }
        if (header.getInt(H_MAGIC) != MAGIC) {
            throw new TimerLogFormatException(
                    file, String.format("bad magic 0x%08x (expected 0x%08x \"RKTL\")", header.getInt(H_MAGIC), MAGIC));
        }
        CRC32C check = new CRC32C();
        check.update(header.array(), 0, H_CRC);
        if ((int) check.getValue() != header.getInt(H_CRC)) {
            throw new TimerLogFormatException(file, "header CRC mismatch");
        }
        if (header.getInt(H_VERSION) != FORMAT_VERSION) {
            throw new TimerLogFormatException(
                    file,
                    "unknown format version " + header.getInt(H_VERSION) + " (this broker reads " + FORMAT_VERSION
                            + ")");
        }
        if (header.getLong(H_SEGMENT_START) != start) {
            throw new TimerLogFormatException(file, "header says it starts at " + header.getLong(H_SEGMENT_START));
        }
        if (header.getInt(H_RECORD_SIZE) != RECORD_SIZE || header.getInt(H_RECORDS_PER_SEGMENT) != recordsPerSegment) {
            throw new TimerLogFormatException(
                    file,
                    "written with " + header.getInt(H_RECORDS_PER_SEGMENT)
                            + " records of " + header.getInt(H_RECORD_SIZE) + " bytes per segment, this broker uses "
                            + recordsPerSegment + " of " + RECORD_SIZE);
        }
    }

    private void writeHeader(FileChannel channel, long start) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        header.putInt(H_MAGIC, MAGIC)
                .putInt(H_VERSION, FORMAT_VERSION)
                .putLong(H_SEGMENT_START, start)
                .putInt(H_RECORD_SIZE, RECORD_SIZE)
                .putInt(H_RECORDS_PER_SEGMENT, recordsPerSegment);
        CRC32C check = new CRC32C();
        check.update(header.array(), 0, H_CRC);
        header.putInt(H_CRC, (int) check.getValue());
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
        channel.force(false);
    }

    long end() {
        return end;
    }

    /** The first position still on disk. */
    long start() {
        return segments.isEmpty() ? end : segments.firstKey();
    }

    /** Appends a record; returns its position. */
    long append(long deliverMs, long slotTick, long queueOffset, long commitLogOffset, int size, long prev)
            throws IOException {
        long position = end;
        FileChannel segment = segmentFor(position, true);
        fill(deliverMs, slotTick, queueOffset, commitLogOffset, size, prev);
        writeFully(segment, position - segments.floorKey(position));
        maxTick.merge(segments.floorKey(position), slotTick, Math::max);
        end = position + RECORD_SIZE;
        return position;
    }

    /** Rewrites the {@code prev} of the record at {@code position} (wheel rebuild). */
    void relink(Entry e, long prev) throws IOException {
        fill(e.deliverMs(), e.slotTick(), e.queueOffset(), e.commitLogOffset(), e.size(), prev);
        writeFully(segmentFor(e.position(), false), e.position() - segments.floorKey(e.position()));
    }

    /** The record at {@code position}, or null if it is outside the log or fails its CRC. */
    Entry read(long position) throws IOException {
        if (position < start() || position + RECORD_SIZE > end || position % RECORD_SIZE != 0) {
            return null;
        }
        FileChannel segment = segmentFor(position, false);
        if (segment == null) {
            return null;
        }
        buffer.clear();
        long at = HEADER_SIZE + position - segments.floorKey(position);
        while (buffer.hasRemaining()) {
            if (segment.read(buffer, at + buffer.position()) < 0) {
                return null;
            }
        }
        return parse(buffer, 0, position);
    }

    /** The record at {@code at} of {@code bytes} (a heap buffer), or null if it fails its CRC. */
    private Entry parse(ByteBuffer bytes, int at, long position) {
        crc.reset();
        crc.update(bytes.array(), at, CRC);
        if ((int) crc.getValue() != bytes.getInt(at + CRC)) {
            return null;
        }
        return new Entry(
                position,
                bytes.getLong(at + DELIVER_MS),
                bytes.getLong(at + SLOT_TICK),
                bytes.getLong(at + QUEUE_OFFSET),
                bytes.getLong(at + COMMIT_LOG_OFFSET),
                bytes.getInt(at + SIZE),
                bytes.getLong(at + PREV));
    }

    /**
     * Reads the records from {@code from} to the end; at the first that fails its CRC the log is cut there
     * (it and everything after it was never forced, so never counted in a checkpoint). Returns the valid ones.
     */
    List<Entry> recoverTail(long from) throws IOException {
        List<Entry> valid = new ArrayList<>();
        for (long p = Math.max(from, start()); p < end; p += RECORD_SIZE) {
            Entry e = read(p);
            if (e == null) {
                truncate(p);
                break;
            }
            valid.add(e);
        }
        return valid;
    }

    /** Visits every record still on disk, oldest first (rebuild, and the per-segment maxima at start). */
    void forEach(EntryVisitor visitor) throws IOException {
        // Read in chunks: one pread per record made the scan at every start cost about 1.7 s per million
        // pending timers on this machine, nearly all of it system calls. Same records, same CRC check.
        ByteBuffer chunk = ByteBuffer.allocate(SCAN_CHUNK_RECORDS * RECORD_SIZE);
        long p = start();
        while (p < end) {
            long segmentStart = p - p % segmentBytes;
            long segmentEnd = Math.min(end, segmentStart + segmentBytes);
            FileChannel segment = segmentFor(p, false);
            int length = (int) Math.min(chunk.capacity(), segmentEnd - p);
            chunk.clear().limit(length);
            long at = HEADER_SIZE + p - segmentStart;
            while (segment != null && chunk.hasRemaining()) {
                if (segment.read(chunk, at + chunk.position()) < 0) {
                    break;
                }
            }
            int whole = chunk.position() - chunk.position() % RECORD_SIZE;
            for (int i = 0; i < whole; i += RECORD_SIZE) {
                Entry e = parse(chunk, i, p + i);
                if (e != null) {
                    visitor.visit(e);
                }
            }
            p += length;
        }
    }

    /** Learns each segment's highest slot tick (one sequential read of the log). */
    void scanMaxima() throws IOException {
        maxTick.clear();
        forEach(e -> maxTick.merge(segments.floorKey(e.position()), e.slotTick(), Math::max));
    }

    interface EntryVisitor {
        void visit(Entry e) throws IOException;
    }

    /** Deletes the segments, except the one appended to, whose every record's tick is before {@code tick}. */
    void deleteDelivered(long tick) throws IOException {
        while (segments.size() > 1) {
            long first = segments.firstKey();
            Long max = maxTick.get(first);
            if (max != null && max >= tick) {
                return;
            }
            segments.remove(first).close();
            maxTick.remove(first);
            Files.deleteIfExists(dir.resolve(name(first)));
        }
    }

    void truncate(long newEnd) throws IOException {
        while (!segments.isEmpty() && segments.lastKey() >= newEnd && segments.lastKey() > 0) {
            long last = segments.lastKey();
            segments.remove(last).close();
            maxTick.remove(last);
            Files.deleteIfExists(dir.resolve(name(last)));
        }
        if (!segments.isEmpty()) {
            segments.lastEntry().getValue().truncate(HEADER_SIZE + newEnd - segments.lastKey());
        }
        end = Math.min(end, newEnd);
    }

    void force() throws IOException {
        if (!segments.isEmpty()) {
            segments.lastEntry().getValue().force(false);
        }
    }

    int segmentCount() {
        return segments.size();
    }

    private FileChannel segmentFor(long position, boolean create) throws IOException {
        long start = position - position % segmentBytes;
        FileChannel channel = segments.get(start);
        if (channel == null && create) {
            if (!segments.isEmpty()) {
                segments.lastEntry().getValue().force(false);
            }
            channel = FileChannel.open(
                    dir.resolve(name(start)),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            writeHeader(channel, start);
            segments.put(start, channel);
        }
        return channel;
    }

    private void fill(long deliverMs, long slotTick, long queueOffset, long commitLogOffset, int size, long prev) {
        buffer.clear();
        buffer.putLong(DELIVER_MS, deliverMs)
                .putLong(SLOT_TICK, slotTick)
                .putLong(QUEUE_OFFSET, queueOffset)
                .putLong(COMMIT_LOG_OFFSET, commitLogOffset)
                .putInt(SIZE, size)
                .putLong(PREV, prev);
        crc.reset();
        crc.update(buffer.array(), 0, CRC);
        buffer.putInt(CRC, (int) crc.getValue());
    }

    /** Writes the record in {@code buffer} at {@code at}, an offset among the segment's records. */
    private void writeFully(FileChannel segment, long at) throws IOException {
        at += HEADER_SIZE;
        buffer.clear();
        while (buffer.hasRemaining()) {
            segment.write(buffer, at + buffer.position());
        }
    }

    private static String name(long start) {
        return String.format("%020d", start);
    }

    @Override
    public void close() throws IOException {
        for (FileChannel c : segments.values()) {
            c.close();
        }
        segments.clear();
    }
}
