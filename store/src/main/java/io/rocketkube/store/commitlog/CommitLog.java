package io.rocketkube.store.commitlog;

import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.file.FileSync;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.file.SegmentList;
import io.rocketkube.store.health.LoopMonitor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The CommitLog: every message of every topic, appended in arrival order to fixed-size segment files
 * ({@link SegmentFile}, named by their 20-digit start offset). Records use the RocketMQ stored layout
 * ({@code StoredMessageLayout}) so a pull can send the stored bytes as they are. A record never spans
 * segments: when a record (or batch) plus an 8-byte blank filler does not fit the tail, the tail gets
 * the filler
 * <pre>
 * 0  4  TOTALSIZE  = bytes left in the segment
 * 4  4  MAGICCODE  = 0xCBD43194
 * </pre>
 * and the record goes to the start of the next segment.
 *
 * <p><b>Write path: positional {@code write} into the page cache, {@code fdatasync} for durability,
 * reads through a shared mapping.</b> Chosen by measurement on this machine ({@code StoreBenchmark},
 * "write path" rows: 1 KiB appends into a 64 MiB file, forced after each; ranges over three runs on a
 * shared, noisy disk; "device" is bytes the device wrote per appended byte, from /proc/diskstats):
 * <pre>
 *   write + force after each append        appends/s    device
 *   pwrite + fdatasync, fresh sparse file  1.3k - 4.1k  5.2 - 5.5x
 *   pwrite + fdatasync, pre-touched file   2.5k - 3.9k  4.2 - 4.4x
 *   mmap copy + msync, fresh               0.5k - 1.7k  5.5 - 5.6x
 *   mmap copy + msync, pre-touched         0.4k - 0.7k  1025x  (each 1 KiB msync wrote ~1 MiB)
 *   mmap copy + fdatasync, fresh           0.5k - 0.9k  5.6x
 *   mmap copy + fdatasync, pre-touched     0.7k         1025x
 *   no force per append (ASYNC_FLUSH)      170k - 350k  1.0x for both; the run-to-run noise is
 *                                                       larger than the pwrite/mmap difference
 * </pre>
 * pwrite + fdatasync is never worse and usually 2-3x faster for durable appends, and pre-touching
 * segments (writing zeros ahead) would only add a second full write of every segment. So appends go
 * through {@link SegmentFile#write} into sparse segments and durability is {@link SegmentFile#forceData};
 * group commit then spreads one fdatasync over many appends (64 concurrent SYNC_FLUSH writers: the
 * device writes 1.2x the record bytes instead of 5.9x for one writer). Reads keep the zero-copy
 * mapping, which sees channel writes at once (same page cache).
 *
 * <p>The price is one {@code pwrite} syscall per append (about 3 us here, measured). Under ASYNC_FLUSH,
 * where no append waits for a force, that syscall buys nothing, so appends are copied into the mapping
 * instead ({@link WritePath#MAPPING}); measured side by side on the whole store, 1 KiB, 2 threads:
 * pwrite 58k-87k msg/s, mapping 103k-113k msg/s, device amplification 1.06x for both.
 *
 * <p><b>Pre-faulting the mapping.</b> perf showed a third of all CPU of such a run in the kernel zeroing
 * fresh page-cache pages on the appender's first touch, inside the append lock. A background reader
 * ({@link MappingPrefaulter}, {@link #startPrefault}) touches pages ahead of the write position, so the
 * zeroing happens off the lock and the appender only upgrades a clean page to dirty. Same run, alternated:
 * 177k-219k msg/s without, 426k-450k with, amplification unchanged (1.05x). The mapping is not used for
 * SYNC_FLUSH even so: small {@code fdatasync}s of a mapping written through read-faulted (large-folio)
 * pages made the device write 12-156x the record bytes, against 1.3-5.8x for {@code pwrite}.
 *
 * <p><b>Threading.</b> Appends (single, batch, replicated) serialize on one lock that covers only
 * placement: reserving the offsets, patching them into the already-encoded bytes, one {@code pwrite},
 * and handing the dispatch hint over. Encoding and CRC happen before the lock
 * ({@link RecordBatchEncoder}), waiting for durability after it. {@link #flush} may run concurrently
 * with appends. Reads are lock-free up to {@link #writtenOffset()}.
 *
 * <p><b>A failed flush is fatal.</b> After a failed {@code fdatasync} the kernel may have dropped the
 * dirty pages and cleared the error, so a later successful sync proves nothing about them. The first
 * failure is latched ({@link #fatalReason()}); every later {@link #flush} fails at once without syncing,
 * so {@link #flushedOffset()} never moves past what was really made durable.
 *
 * <p><b>Full disk.</b> On the {@link WritePath#MAPPING} path, a mapped write into an unallocated page of
 * a full file system would fault (SIGBUS), so blocks are allocated ahead of the writer
 * ({@link SegmentFile#allocate}; by the prefaulter thread, else {@link #ALLOCATE_AHEAD} at a time by the
 * writer), and a full disk is an {@code IOException} that refuses the append. {@code pwrite} on the
 * {@link WritePath#CHANNEL} path reports ENOSPC by itself, so SYNC_FLUSH pays nothing. Allocation is a
 * {@code fallocate} ({@code file.BlockAllocator}), which reserves blocks without writing them: with it,
 * {@code StoreBenchmark append <dir> 600000 2} alternated against the code before allocation existed gave
 * 310k/241k against 253k/362k msg/s (prefault on; noise of this shared machine), device amplification
 * 1.06x against 1.05x. Writing zeros instead, the first version, cost two thirds of the throughput
 * (92k against 289k msg/s), because every page ahead of the writer became dirty twice.
 *
 * <p><b>Why this class is past 500 lines</b>: the append lock, the segment roll, the write and flush
 * positions and the truncation used by recovery and replication all guard one invariant (no reader
 * ever sees a byte beyond the flushed, CRC-checked end); encoding, flushing and allocation already live
 * in their own classes, and splitting the rest would spread that one lock across files.
 */
public final class CommitLog {

    /**
     * Bytes the writer allocates past its own write when the prefaulter has not (1 MiB: one
     * {@code fallocate} per MiB of appends while it holds the append lock; the prefaulter normally stays
     * 16 MiB ahead, so this is the fallback, not the common case).
     */
    static final int ALLOCATE_AHEAD = 1 << 20;

    private final SegmentList segments;
    private final int segmentSize;
    private final Clock clock;
    private final Consumer<DispatchRequest> onAppend;
    private final WritePath writePath;
    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock flushLock = new ReentrantLock();
    private final ByteBuffer blank = ByteBuffer.allocateDirect(StoredMessageLayout.BLANK_LENGTH);
    /** Next queue offset per queue; guarded by appendLock. */
    private final Map<TopicQueue, Long> nextQueueOffsets = new HashMap<>();
    /** Guarded by appendLock. */
    private long writePosition;

    private volatile long writtenOffset;
    private volatile long flushedOffset;
    private volatile long lastStoreTimestamp;
    private MappingPrefaulter prefaulter;
    /** Why the log can no longer be made durable; null while healthy. Set once. */
    private volatile String fatalReason;

    /**
     * @param onAppend told of every appended message, in order, while the append lock is held; must be
     *                 cheap and must not block
     */
    public CommitLog(Path dir, int segmentSize, Clock clock, Consumer<DispatchRequest> onAppend) {
        this(dir, segmentSize, clock, onAppend, WritePath.CHANNEL);
    }

    public CommitLog(Path dir, int segmentSize, Clock clock, Consumer<DispatchRequest> onAppend, WritePath writePath) {
        this(dir, segmentSize, clock, onAppend, writePath, FileSync.SYSTEM);
    }

    /** @param sync how segments and the directory are synced (a seam for failure tests) */
    public CommitLog(
            Path dir,
            int segmentSize,
            Clock clock,
            Consumer<DispatchRequest> onAppend,
            WritePath writePath,
            FileSync sync) {
        this.writePath = writePath;
        this.segments = SegmentList.open(dir, segmentSize, sync, false);
        this.segmentSize = segmentSize;
        this.clock = clock;
        this.onAppend = onAppend;
    }

    /**
     * Starts the thread that pre-faults mapping pages ahead of the write position ({@link MappingPrefaulter});
     * only useful on the {@link WritePath#MAPPING} path. Stopped by {@link #close()}.
     */
    public synchronized void startPrefault(long leadBytes) {
        startPrefault(leadBytes, new LoopMonitor("store-prefault", false, clock));
    }

    /** As {@link #startPrefault(long)}, reporting the thread's health to {@code monitor}. */
    public synchronized void startPrefault(long leadBytes, LoopMonitor monitor) {
        if (writePath != WritePath.MAPPING || prefaulter != null) {
            return;
        }
        prefaulter = new MappingPrefaulter(this, leadBytes, 1_000_000L, monitor);
        prefaulter.start("store-prefault " + segments.dir());
    }

    public SegmentList segments() {
        return segments;
    }

    public int segmentSize() {
        return segmentSize;
    }
    /** Next physical offset to be written; everything below it may be read. */
    public long writtenOffset() {
        return writtenOffset;
    }
    /** Everything below this is durable. */
    public long flushedOffset() {
        return flushedOffset;
    }
    /** Why the log failed to sync (fatal, see the class comment); empty while healthy. */
    public Optional<String> fatalReason() {
        return Optional.ofNullable(fatalReason);
    }

    /** First physical offset still stored. */
    public long minOffset() {
        SegmentFile first = segments.first();
        return first == null ? writtenOffset : Math.min(first.start(), writtenOffset);
    }

    /**
     * Sets the write position found by recovery, and the queue offsets that continue from it. Call
     * before any append.
     */
    public void recoverTo(long end, Map<TopicQueue, Long> queueOffsets) {
        appendLock.lock();
        try {
            writePosition = end;
            writtenOffset = end;
            flushedOffset = end;
            nextQueueOffsets.clear();
            nextQueueOffsets.putAll(queueOffsets);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Places and writes an encoded batch.
     *
     * @throws UncheckedIOException if the write fails; nothing is acknowledged then, and the next
     *                              append overwrites whatever part reached the file
     */
    public AppendResult append(EncodedBatch batch) {
        return append(batch, true);
    }

    /**
     * Like {@link #append}, but only if it cannot block, for callers on an event loop: null, with nothing
     * written, when another thread holds the append lock, when the record does not fit the current segment
     * (rolling creates a file), or on the {@link WritePath#CHANNEL} path (a {@code pwrite} may wait for the
     * disk under writeback). The caller then hands the batch to a thread that may block.
     */
    public AppendResult tryAppend(EncodedBatch batch) {
        return writePath == WritePath.CHANNEL ? null : append(batch, false);
    }

    private AppendResult append(EncodedBatch batch, boolean mayBlock) {
        ByteBuffer buf = batch.buffer();
        int total = buf.limit();
        int n = batch.count();
        long[] phys = new long[n];
        long[] queues = new long[n];
        if (mayBlock) {
            appendLock.lock();
        } else if (!appendLock.tryLock()) {
            return null;
        }
        try {
            SegmentFile segment = mayBlock ? segmentForAppend(total) : segmentWithRoom(total);
            if (segment == null) {
                return null;
            }
            long base = writePosition;
            long now = Math.max(clock.millis(), lastStoreTimestamp);
            MessageRecordRequest first = batch.requests().get(0);
            TopicQueue tq = new TopicQueue(first.topic(), first.queueId());
            boolean dispatched = MessageSysFlag.isDispatchedToConsumeQueue(batch.sysFlags()[0]);
            long queueOffset = dispatched ? nextQueueOffsets.getOrDefault(tq, 0L) : 0L;
            for (int i = 0; i < n; i++) {
                int at = batch.recordStarts()[i];
                phys[i] = base + at;
                queues[i] = dispatched ? queueOffset + i : 0L;
                StoredMessageLayout.patchOffsets(buf, at, queues[i], phys[i]);
                buf.putLong(at + StoredMessageLayout.storeTimestampOffset(batch.sysFlags()[i]), now);
            }
            write(segment, buf.duplicate(), base);
            writePosition = base + total;
            if (dispatched) {
                nextQueueOffsets.put(tq, queueOffset + n);
            }
            lastStoreTimestamp = now;
            // Hints go first: a dispatcher that sees the new written offset must find them.
            for (int i = 0; i < n; i++) {
                MessageRecordRequest r = batch.requests().get(i);
                onAppend.accept(new DispatchRequest(
                        r.topic(),
                        r.queueId(),
                        queues[i],
                        phys[i],
                        batch.recordSize(i),
                        batch.sysFlags()[i],
                        r.tagsCode(),
                        now,
                        r.keys(),
                        r.uniqKey()));
            }
            writtenOffset = writePosition;
            return new AppendResult(phys, queues, total, now, writePosition);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Appends raw bytes copied from a master's CommitLog at the same offset (replica side). The bytes
     * are written as they are; blank fillers come with them, so segment boundaries line up.
     *
     * @throws IllegalArgumentException if {@code physicalOffset} is not the current end
     */
    public long appendRaw(long physicalOffset, ByteBuffer data) {
        appendLock.lock();
        try {
            if (physicalOffset != writePosition) {
                throw new IllegalArgumentException(
                        "replicated data at " + physicalOffset + " does not continue the log at " + writePosition);
            }
            return writeRaw(data);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * {@link #appendRaw}, but only if {@code check} finds every complete record in the bytes valid
     * ({@link ReplicaAppendCheck}); otherwise nothing is written.
     *
     * @throws IllegalArgumentException      if {@code physicalOffset} is not the current end
     * @throws InvalidReplicatedDataException if a record is invalid
     */
    public long appendRaw(long physicalOffset, ByteBuffer data, ReplicaAppendCheck check) {
        appendLock.lock();
        try {
            if (physicalOffset != writePosition) {
                throw new IllegalArgumentException(
                        "replicated data at " + physicalOffset + " does not continue the log at " + writePosition);
            }
            long from = check.checkedEnd();
            ByteBuffer pending =
                    from < writePosition ? copy(from, (int) (writePosition - from)) : ByteBuffer.allocate(0);
            if (pending.remaining() != Math.max(0, writePosition - from)) {
                throw new InvalidReplicatedDataException(
                        from, "the partial record before " + writePosition + " is not readable");
            }
            ReplicaAppendCheck.Verdict verdict = check.check(pending, physicalOffset, data);
            if (verdict instanceof ReplicaAppendCheck.Verdict.Invalid bad) {
                throw new InvalidReplicatedDataException(bad.at(), bad.reason());
            }
            long end = writeRaw(data);
            check.accept((ReplicaAppendCheck.Verdict.Valid) verdict);
            return end;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * A fresh replica of a master whose log no longer starts at 0 begins where the master's stream does,
     * at a segment start (RocketMQ's master starts an empty slave at its last segment).
     *
     * @throws IllegalStateException if the log is not empty or {@code offset} is not a segment start
     */
    public void startEmptyAt(long offset) {
        appendLock.lock();
        try {
            if (writePosition != 0 || !segments.isEmpty() || offset % segmentSize != 0) {
                throw new IllegalStateException("cannot start the log at " + offset + ": it holds data up to "
                        + writePosition + " or the offset is not a segment start");
            }
            writePosition = offset;
            writtenOffset = offset;
            flushedOffset = offset;
        } finally {
            appendLock.unlock();
        }
    }

    /** Guarded by appendLock. */
    private long writeRaw(ByteBuffer data) {
        ByteBuffer src = data.duplicate();
        while (src.hasRemaining()) {
            SegmentFile segment = segments.getOrCreate(segments.segmentStartOf(writePosition));
            int room = (int) (segment.end() - writePosition);
            int chunk = Math.min(room, src.remaining());
            ByteBuffer part = src.duplicate().limit(src.position() + chunk);
            write(segment, part, writePosition);
            src.position(src.position() + chunk);
            writePosition += chunk;
            writtenOffset = writePosition;
        }
        return writePosition;
    }

    /** Raises a queue's next offset to at least {@code next} (records that arrived without a put). */
    public void observeQueueOffset(TopicQueue tq, long next) {
        appendLock.lock();
        try {
            nextQueueOffsets.merge(tq, next, Math::max);
        } finally {
            appendLock.unlock();
        }
    }

    /** Forgets the queue offsets of a deleted topic. */
    public void forgetTopic(String topic) {
        appendLock.lock();
        try {
            nextQueueOffsets.keySet().removeIf(tq -> tq.topic().equals(topic));
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Makes everything written so far durable ({@code fdatasync} of each segment holding unflushed
     * bytes). Concurrent callers share the work: a caller that finds a flush in progress waits for it
     * and flushes only what is left.
     *
     * @return the new flushed offset
     */
    public long flush() {
        flushLock.lock();
        try {
            String fatal = fatalReason;
            if (fatal != null) {
                throw new UncheckedIOException(new IOException("commit log is failed, not syncing again: " + fatal));
            }
            long target = writtenOffset;
            long from = flushedOffset;
            if (target <= from) {
                return from;
            }
            for (SegmentFile s : segments.all()) {
                if (s.end() > from && s.start() < target && s.retain()) {
                    try {
                        s.forceData();
                    } catch (IOException e) {
                        fatalReason = "fdatasync of " + s.path() + " failed: " + e;
                        throw new UncheckedIOException(
                                "flush of the commit log failed; the store stops accepting writes", e);
                    } finally {
                        s.release();
                    }
                }
            }
            flushedOffset = target;
            return target;
        } finally {
            flushLock.unlock();
        }
    }

    /** Unflushed bytes. */
    public long dirtyBytes() {
        return writtenOffset - flushedOffset;
    }

    /**
     * The segment holding {@code offset}, retained; the caller must {@link SegmentFile#release()} it.
     * Null if that offset is not stored.
     */
    public SegmentFile retainSegment(long offset) {
        SegmentFile s = segments.find(offset);
        if (s == null || !s.retain()) {
            return null;
        }
        return s;
    }

    /**
     * A heap copy of up to {@code maxBytes} from {@code offset}, stopping at the segment end and the
     * written end; empty if nothing is stored there.
     */
    public ByteBuffer copy(long offset, int maxBytes) {
        long written = writtenOffset;
        SegmentFile s = retainSegment(offset);
        if (s == null) {
            return ByteBuffer.allocate(0);
        }
        try {
            int pos = (int) (offset - s.start());
            int len = (int) Math.min(Math.min((long) maxBytes, s.end() - offset), Math.max(0, written - offset));
            ByteBuffer out = ByteBuffer.allocate(len);
            out.put(s.mapped().slice(pos, len));
            return out.flip();
        } finally {
            s.release();
        }
    }

    /** Recovery: drops everything at and after {@code end} (zeroing the rest of its segment). */
    public void truncate(long end) {
        appendLock.lock();
        try {
            SegmentFile s = segments.find(end);
            if (s != null && end > s.start()) {
                s.zeroFrom((int) (end - s.start()));
                segments.deleteFrom(s.end());
            } else {
                segments.deleteFrom(segments.segmentStartOf(end));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot truncate the commit log at " + end, e);
        } finally {
            appendLock.unlock();
        }
    }

    /** Deletes the oldest segment if it ends at or before {@code limit}; true if one was deleted. */
    public boolean deleteFirstSegmentBefore(long limit) {
        SegmentFile first = segments.first();
        if (first == null || first.end() > limit || segments.count() <= 1) {
            return false;
        }
        segments.deleteFirst();
        return true;
    }

    /**
     * Stops the prefaulter and waits for its thread; a no-op if none runs. The store calls it in the reverse
     * order of its start; {@link #close()} calls it too, for a log used on its own.
     */
    public void stopPrefault() {
        MappingPrefaulter running;
        synchronized (this) { // joined outside the monitor: nothing the thread calls may wait on it
            running = prefaulter;
            prefaulter = null;
        }
        if (running != null) {
            running.stop();
        }
    }

    public void close() {
        stopPrefault();
        segments.close();
    }

    private SegmentFile segmentForAppend(int total) {
        SegmentFile segment = segments.getOrCreate(segments.segmentStartOf(writePosition));
        long room = segment.end() - writePosition;
        if (total + StoredMessageLayout.BLANK_LENGTH <= room) {
            return segment;
        }
        if (room >= StoredMessageLayout.BLANK_LENGTH) {
            blank.clear();
            StoredMessageLayout.writeBlank(blank, 0, (int) room);
            write(segment, blank, writePosition);
        }
        writePosition = segment.end();
        writtenOffset = writePosition;
        return segments.getOrCreate(writePosition);
    }

    /** The existing segment at the write position if the record and a blank filler fit it, else null. */
    private SegmentFile segmentWithRoom(int total) {
        SegmentFile segment = segments.find(writePosition);
        return segment != null && total + StoredMessageLayout.BLANK_LENGTH <= segment.end() - writePosition
                ? segment
                : null;
    }

    private void write(SegmentFile segment, ByteBuffer src, long physicalOffset) {
        try {
            int position = (int) (physicalOffset - segment.start());
            if (writePath == WritePath.MAPPING) {
                if (!segment.isAllocated(position, src.remaining())) {
                    segment.allocate(position, position + src.remaining() + ALLOCATE_AHEAD);
                }
                segment.writeMapped(src, position);
            } else {
                segment.write(src, position);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("write at " + physicalOffset + " failed", e);
        }
    }
}
