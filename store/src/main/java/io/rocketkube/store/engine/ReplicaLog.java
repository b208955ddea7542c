package io.rocketkube.store.engine;

import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.commitlog.ReplicaAppendCheck;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueueSet;
import io.rocketkube.store.recovery.Checkpoint;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica side of the store: appends a master's raw CommitLog bytes after checking every record
 * ({@link ReplicaAppendCheck}: CRC, position, segment fit), starts an empty replica where its master's
 * stream starts, and cuts the log back to a master's end when the replica holds bytes its master no longer
 * has (the master came back from an older copy of its data).
 *
 * <p>Truncation order, so that a crash at any point is repaired by the next open: the checkpoint is
 * lowered to the cut first (the open then scans from there and never trusts the queues past it), then the
 * CommitLog, the ConsumeQueues and the index are cut while the dispatcher applies nothing
 * ({@link Dispatcher#reposition}), then a new checkpoint is written.
 *
 * <p>Threading: one replicating thread calls {@link #append} and {@link #truncate}; {@code checkpointLock}
 * is the monitor the store's checkpoint writer holds, so no checkpoint is computed from half-cut state.
 */
final class ReplicaLog {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLog.class);

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final Dispatcher dispatcher;
    private final Checkpoint checkpoint;
    private final Clock clock;
    private final Object checkpointLock;
    private final ReplicaAppendCheck check;
    private final int maxRecordSize;

    ReplicaLog(
            CommitLog commitLog,
            ConsumeQueueSet queues,
            IndexService index,
            Dispatcher dispatcher,
            Checkpoint checkpoint,
            Clock clock,
            Object checkpointLock,
            int maxRecordSize) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.dispatcher = dispatcher;
        this.checkpoint = checkpoint;
        this.clock = clock;
        this.checkpointLock = checkpointLock;
        this.maxRecordSize = maxRecordSize;
        this.check = new ReplicaAppendCheck(commitLog.segmentSize(), maxRecordSize, commitLog.writtenOffset());
    }

    long append(long physicalOffset, ByteBuffer data) {
        if (physicalOffset > 0
                && commitLog.writtenOffset() == 0
                && commitLog.segments().isEmpty()
                && physicalOffset % commitLog.segmentSize() == 0) {
            dispatcher.reposition(() -> commitLog.startEmptyAt(physicalOffset), position -> physicalOffset);
            check.resetTo(physicalOffset);
            LOG.info("empty replica starts at its master's offset {}", physicalOffset);
        }
        return commitLog.appendRaw(physicalOffset, data, check);
    }

    /** Whether a record (or a blank filler) of this log starts at {@code at}, which is below the written end. */
    private boolean startsRecord(long at) {
        SegmentFile s = commitLog.retainSegment(at);
        if (s == null) {
            return false;
        }
        try {
            int from = (int) (at - s.start());
            int limit = (int) Math.min(s.size(), commitLog.writtenOffset() - s.start());
            RecordDecodeResult r = StoredMessageDecoder.decode(s.mapped(), from, limit, maxRecordSize, false);
            return r instanceof RecordDecodeResult.Decoded d && d.record().physicalOffset() == at
                    || r instanceof RecordDecodeResult.Blank b && b.size() == s.size() - from;
        } finally {
            s.release();
        }
    }

    /**
     * The start of every {@code stride}-th record from {@code from} (a record start, included) up to {@code to},
     * the written end or the segment's blank filler, whichever comes first; read from the record sizes alone.
     * A stride keeps the answer small for a segment of millions of records.
     */
    long[] recordStarts(long from, long to, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("stride " + stride);
        }
        SegmentFile s = commitLog.retainSegment(from);
        if (s == null) {
            return new long[0];
        }
        try {
            ByteBuffer mapped = s.mapped();
            long limit = Math.min(Math.min(to, commitLog.writtenOffset()), s.start() + s.size());
            long[] starts = new long[16];
            int n = 0;
            long count = 0;
            long at = from;
            while (at + StoredMessageLayout.BLANK_LENGTH <= limit) {
                int pos = (int) (at - s.start());
                int size = mapped.getInt(pos);
                int magic = mapped.getInt(pos + StoredMessageLayout.MAGIC_OFFSET);
                if (magic == StoredMessageLayout.MAGIC_BLANK || size <= 0 || at + size > limit) {
                    break;
                }
                if (count++ % stride == 0) {
                    if (n == starts.length) {
                        starts = Arrays.copyOf(starts, n * 2);
                    }
                    starts[n++] = at;
                }
                at += size;
            }
            return Arrays.copyOf(starts, n);
        } finally {
            s.release();
        }
    }

    /** Drops everything at and after {@code end}; returns the bytes dropped. */
    long truncate(long end, Runnable writeCheckpoint) {
        long written = commitLog.writtenOffset();
        if (end >= written) {
            return 0;
        }
        if (end < commitLog.minOffset()) {
            throw new IllegalArgumentException(
                    "cannot cut the log at " + end + ", below its first stored offset " + commitLog.minOffset());
        }
        if (!startsRecord(end)) {
            throw new IllegalArgumentException("cannot cut the log at " + end + ": no record of this replica starts "
                    + "there, so the replica and its master differ before that offset too");
        }
        synchronized (checkpointLock) {
            if (checkpoint.read() instanceof Checkpoint.ReadResult.Ok ok
                    && ok.values().safeOffset() > end) {
                checkpoint.write(new Checkpoint.Values(end, ok.values().commitLogMinOffset(), clock.millis()));
            }
            dispatcher.reposition(
                    () -> {
                        commitLog.truncate(end);
                        commitLog.recoverTo(end, Map.of());
                        queues.truncateAllFrom(end);
                        index.truncateFrom(end);
                        commitLog.recoverTo(end, queues.maxOffsets());
                    },
                    position -> Math.min(position, end));
            check.resetTo(end);
            writeCheckpoint.run();
        }
        LOG.warn("replica log cut from {} back to {} ({} bytes its master does not have)", written, end, written - end);
        return written - end;
    }
}
