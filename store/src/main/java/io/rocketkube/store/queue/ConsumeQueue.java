package io.rocketkube.store.queue;

import io.rocketkube.store.ConsumeQueueEntry;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.file.SegmentList;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The ConsumeQueue of one topic and queue: a dense array of 20-byte units, one per logical offset,
 * exactly as RocketMQ stores them (docs/protocol.md §7.3):
 * <pre>
 * 0   8  COMMITLOG_OFFSET  physical offset of the record
 * 8   4  SIZE              record size; 0 marks a hole (never written)
 * 12  8  TAGS_CODE         opaque, from the put request (TAGS.hashCode() for ordinary topics)
 * </pre>
 * Logical offset n lives at byte n × 20 of the queue, split into files of {@code entriesPerFile} units
 * named by their starting byte offset. There is no checksum: every entry can be rebuilt from the
 * CommitLog, and recovery does so for the range after the last checkpoint.
 *
 * <p>Entries are written through the mapping, where a full disk would fault (SIGBUS) instead of failing,
 * so the bytes past the last entry are allocated {@link #ALLOCATE_AHEAD} at a time before entries go
 * there ({@link SegmentFile#allocate}): on a full disk {@link #put} throws with nothing written. Files stay
 * sparse beyond that, so a queue costs about what it holds (not 6 MB per default file).
 *
 * <p><b>Threading.</b> One writer (the dispatcher, or recovery before the store opens), one flusher
 * (the checkpoint task) and any number of readers; every access to a file's mapping holds a reference
 * ({@link SegmentFile#retain()}), so a concurrent deleteTopic or retention can never unmap it
 * underneath. Entries are written through the mapping before {@link #maxOffset()} (volatile) moves past
 * them, so a reader that checks the max offset first always sees whole entries.
 */
public final class ConsumeQueue {

    public static final int COMMITLOG_OFFSET_OFFSET = 0;
    public static final int SIZE_OFFSET = COMMITLOG_OFFSET_OFFSET + 8;
    public static final int TAGS_CODE_OFFSET = SIZE_OFFSET + 4;
    public static final int UNIT_SIZE = TAGS_CODE_OFFSET + 8;
    /** Bytes allocated at a time past the last entry: 64 KiB, one allocation per 3276 entries. */
    static final int ALLOCATE_AHEAD = 64 * 1024;

    private final String topic;
    private final int queueId;
    private final SegmentList files;
    private final int fileSize;
    private volatile long minOffset;
    private volatile long maxOffset;
    /** Logical offset up to which the files were forced; writer thread only. */
    private long flushedOffset;

    private ConsumeQueue(String topic, int queueId, SegmentList files, int entriesPerFile) {
        this.topic = topic;
        this.queueId = queueId;
        this.files = files;
        this.fileSize = entriesPerFile * UNIT_SIZE;
    }

    /** Opens (or creates) the queue in {@code dir}, finding min and max from the files. */
    public static ConsumeQueue open(Path dir, String topic, int queueId, int entriesPerFile) {
        return open(dir, topic, queueId, entriesPerFile, io.rocketkube.store.file.FileSync.SYSTEM);
    }

    /** As {@link #open(Path, String, int, int)}; {@code sync} syncs the directories of new files. */
    public static ConsumeQueue open(
            Path dir, String topic, int queueId, int entriesPerFile, io.rocketkube.store.file.FileSync sync) {
        ConsumeQueue q = new ConsumeQueue(
                topic, queueId, SegmentList.open(dir, entriesPerFile * UNIT_SIZE, sync, false), entriesPerFile);
        q.loadBounds();
        q.flushedOffset = q.maxOffset;
        return q;
    }

    public String topic() {
        return topic;
    }

    public int queueId() {
        return queueId;
    }
    /** First logical offset still stored. */
    public long minOffset() {
        return minOffset;
    }
    /** Next logical offset to be written. */
    public long maxOffset() {
        return maxOffset;
    }

    /**
     * Writes the entry for {@code queueOffset}. Rewriting an existing offset (recovery) overwrites it;
     * an offset past the end leaves holes (size 0) in between, and an empty queue simply starts there.
     */
    public void put(long queueOffset, long commitLogOffset, int size, long tagsCode) {
        if (queueOffset < minOffset && maxOffset > minOffset) {
            return;
        }
        long bytePos = queueOffset * UNIT_SIZE;
        SegmentFile f = files.getOrCreate(bytePos - Math.floorMod(bytePos, (long) fileSize));
        if (!f.retain()) {
            // The queue was deleted under us (deleteTopic); the write has nowhere to go.
            return;
        }
        try {
            int at = (int) (bytePos - f.start());
            allocate(f, at);
            MappedByteBuffer m = f.mapped();
            m.putLong(at + COMMITLOG_OFFSET_OFFSET, commitLogOffset);
            m.putInt(at + SIZE_OFFSET, size);
            m.putLong(at + TAGS_CODE_OFFSET, tagsCode);
        } finally {
            f.release();
        }
        if (maxOffset == minOffset) {
            minOffset = queueOffset;
        }
        if (queueOffset >= maxOffset) {
            maxOffset = queueOffset + 1;
        }
    }

    /**
     * Allocates the file's blocks for the unit at {@code at} and a little beyond, never zeroing below the
     * queue's written end (a rewrite during recovery lands on bytes already written).
     */
    private void allocate(SegmentFile f, int at) {
        if (f.isAllocated(at, UNIT_SIZE)) {
            return;
        }
        long writtenEnd = maxOffset * UNIT_SIZE - f.start();
        int from = (int) Math.max(at, Math.min(f.size(), Math.max(0, writtenEnd)));
        try {
            f.allocate(from, at + UNIT_SIZE + ALLOCATE_AHEAD);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot allocate consume queue file " + f.path() + " (disk full?)", e);
        }
    }

    /** The entry at {@code queueOffset}, or null if outside [min, max) or a hole. */
    public ConsumeQueueEntry get(long queueOffset) {
        if (queueOffset < minOffset || queueOffset >= maxOffset) {
            return null;
        }
        return readUnit(queueOffset);
    }

    private ConsumeQueueEntry readUnit(long queueOffset) {
        long bytePos = queueOffset * UNIT_SIZE;
        SegmentFile f = files.find(bytePos);
        if (f == null || !f.retain()) {
            return null;
        }
        try {
            int at = (int) (bytePos - f.start());
            ByteBuffer m = f.mapped();
            int size = m.getInt(at + SIZE_OFFSET);
            if (size <= 0) {
                return null;
            }
            return new ConsumeQueueEntry(
                    queueOffset, m.getLong(at + COMMITLOG_OFFSET_OFFSET), size, m.getLong(at + TAGS_CODE_OFFSET));
        } finally {
            f.release();
        }
    }

    /** Forces the files written since the last flush. Writer thread (or with the writer stopped). */
    public void flush() {
        long max = maxOffset;
        if (max <= flushedOffset) {
            return;
        }
        long fromByte = flushedOffset * UNIT_SIZE;
        long toByte = max * UNIT_SIZE;
        for (SegmentFile f : files.all()) {
            if (f.end() > fromByte && f.start() < toByte && f.retain()) {
                try {
                    int from = (int) Math.max(0, fromByte - f.start());
                    int to = (int) Math.min(f.size(), toByte - f.start());
                    f.forceMapped(from, to - from);
                } finally {
                    f.release();
                }
            }
        }
        flushedOffset = max;
    }

    /**
     * Recovery: drops the tail entries whose CommitLog offset is at or past {@code commitLogEnd}
     * (they point at data that is gone or will be re-dispatched). The file holding the new end stays,
     * so the offsets survive a restart even if the queue is now empty.
     */
    public void truncateFrom(long commitLogEnd) {
        long max = maxOffset;
        long newMax = max;
        while (newMax > minOffset) {
            ConsumeQueueEntry e = readUnit(newMax - 1);
            if (e != null && e.commitLogOffset() < commitLogEnd) {
                break;
            }
            newMax--;
        }
        if (newMax == max) {
            return;
        }
        for (long o = newMax; o < max; o++) {
            zero(o);
        }
        files.deleteFrom(files.segmentStartOf(newMax * UNIT_SIZE) + fileSize);
        maxOffset = newMax;
        flushedOffset = Math.min(flushedOffset, newMax);
        flush();
    }

    /**
     * Retention: moves the min offset to the first entry whose record is still in the CommitLog and
     * deletes files holding only older entries (always keeping the last file, which carries the max).
     */
    public void dropBefore(long commitLogMinOffset) {
        while (files.count() > 1) {
            SegmentFile first = files.first();
            ConsumeQueueEntry last = readUnit(first.end() / UNIT_SIZE - 1);
            if (last != null && last.commitLogOffset() >= commitLogMinOffset) {
                break;
            }
            files.deleteFirst();
            minOffset = Math.max(minOffset, first.end() / UNIT_SIZE);
        }
        long min = minOffset;
        while (min < maxOffset) {
            ConsumeQueueEntry e = readUnit(min);
            if (e != null && e.commitLogOffset() >= commitLogMinOffset) {
                break;
            }
            min++;
        }
        minOffset = min;
    }

    /** Deletes all files of the queue. */
    public void destroy() {
        files.deleteAll();
        minOffset = 0;
        maxOffset = 0;
    }

    public void close() {
        files.close();
    }

    private void zero(long queueOffset) {
        long bytePos = queueOffset * UNIT_SIZE;
        SegmentFile f = files.find(bytePos);
        if (f == null || !f.retain()) {
            return;
        }
        try {
            int at = (int) (bytePos - f.start());
            MappedByteBuffer m = f.mapped();
            m.putLong(at + COMMITLOG_OFFSET_OFFSET, 0L);
            m.putInt(at + SIZE_OFFSET, 0);
            m.putLong(at + TAGS_CODE_OFFSET, 0L);
        } finally {
            f.release();
        }
    }

    /**
     * Min = first written entry of the first file; max = one past the last written entry of the last
     * file. Units with size 0 are holes or never written.
     */
    private void loadBounds() {
        SegmentFile last = files.last();
        if (last == null) {
            minOffset = 0;
            maxOffset = 0;
            return;
        }
        long max = last.start() / UNIT_SIZE;
        ByteBuffer lm = last.mapped();
        for (int at = last.size() - UNIT_SIZE; at >= 0; at -= UNIT_SIZE) {
            if (lm.getInt(at + SIZE_OFFSET) > 0) {
                max = (last.start() + at) / UNIT_SIZE + 1;
                break;
            }
        }
        SegmentFile first = files.first();
        long min = max;
        ByteBuffer fm = first.mapped();
        for (int at = 0; at < first.size(); at += UNIT_SIZE) {
            if (fm.getInt(at + SIZE_OFFSET) > 0) {
                min = (first.start() + at) / UNIT_SIZE;
                break;
            }
        }
        minOffset = Math.min(min, max);
        maxOffset = max;
    }
}
