package io.rocketkube.store.recovery;

import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueueSet;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up recovery: finds where the valid CommitLog ends and makes the ConsumeQueues and the index
 * agree with it. Runs once, before any service thread starts.
 *
 * <ol>
 *   <li>{@link #safePoint}: after a clean shutdown (no abort marker, valid checkpoint) the checkpoint's
 *   offset is the end, and nothing is scanned. After a crash, scanning starts at the checkpoint's safe
 *   offset (or the first stored offset without a usable checkpoint).</li>
 *   <li>{@link #scanValidEnd}: validate record by record (magic, size, field lengths, body CRC, and the
 *   record's own PHYSICALOFFSET field against its position, since the CRC covers only the body), following
 *   blank fillers to the next segment, and stop at the first record that fails.</li>
 *   <li>{@link #repair}: set aside whatever is not zero past that end ({@link Quarantine}: a corrupt
 *   record must not cost the acknowledged records after it), truncate the CommitLog there (zeroing the
 *   torn tail, so stale bytes can never be read as records later), cut ConsumeQueue and index entries
 *   at or past the scan start, and re-dispatch the scanned records, which rebuilds what was missing.</li>
 * </ol>
 * The caller creates the abort marker before {@link #run}: a crash in the middle of a repair must make
 * the next open repair again, never trust the half-repaired indexes.
 */
public final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What recovery did. */
    public record Outcome(
            boolean clean,
            long start,
            long end,
            long scannedBytes,
            long records,
            long truncatedBytes,
            long millis,
            Optional<Path> quarantined) {
        public Outcome(
                boolean clean,
                long start,
                long end,
                long scannedBytes,
                long records,
                long truncatedBytes,
                long millis) {
            this(clean, start, end, scannedBytes, records, truncatedBytes, millis, Optional.empty());
        }
    }

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final Dispatcher dispatcher;
    private final Checkpoint checkpoint;
    private final int maxMessageSize;
    private final Clock clock;
    private final Quarantine quarantine;
    private final CrashPoint.Hook hook;

    public Recovery(
            CommitLog commitLog,
            ConsumeQueueSet queues,
            IndexService index,
            Dispatcher dispatcher,
            Checkpoint checkpoint,
            int maxMessageSize,
            Clock clock) {
        this(
                commitLog,
                queues,
                index,
                dispatcher,
                checkpoint,
                maxMessageSize,
                clock,
                commitLog.segments().dir().resolveSibling("quarantine"),
                CrashPoint.Hook.NONE);
    }

    /**
     * @param quarantineRoot where data past the valid end is set aside ({@link Quarantine})
     * @param hook           told of each {@link CrashPoint} of the repair
     */
    public Recovery(
            CommitLog commitLog,
            ConsumeQueueSet queues,
            IndexService index,
            Dispatcher dispatcher,
            Checkpoint checkpoint,
            int maxMessageSize,
            Clock clock,
            Path quarantineRoot,
            CrashPoint.Hook hook) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.dispatcher = dispatcher;
        this.checkpoint = checkpoint;
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
        this.quarantine = new Quarantine(quarantineRoot, clock);
        this.hook = hook;
    }

    public Outcome run(boolean crashed) {
        long t0 = System.nanoTime();
        Checkpoint.ReadResult cp = checkpoint.read();
        long clMin = firstStoredOffset(cp);
        long clLimit = commitLog.segments().isEmpty()
                ? clMin
                : commitLog.segments().last().end();
        long rebuildFrom = Math.max(index.rebuildFrom(), clMin);

        if (!crashed
                && cp instanceof Checkpoint.ReadResult.Ok ok
                && ok.values().safeOffset() >= clMin
                && ok.values().safeOffset() <= clLimit
                && rebuildFrom >= ok.values().safeOffset()) {
            long end = ok.values().safeOffset();
            // Zero whatever lies past the end (a replica's partial record), so no later crash scan can
            // mistake stale bytes for records.
            commitLog.truncate(end);
            commitLog.recoverTo(end, java.util.Map.of());
            queues.truncateAllFrom(end);
            dispatcher.resetTo(end);
            commitLog.recoverTo(end, queues.maxOffsets());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            LOG.info(
                    "clean shutdown detected: recovered from checkpoint to offset {} without scanning the commit log, in {} ms",
                    end,
                    ms);
            return new Outcome(true, end, end, 0, 0, 0, ms);
        }

        long start = safePoint(cp, clMin, clLimit);
        start = Math.min(start, rebuildFrom);
        String why = crashed ? "abort marker found (crash)" : "no usable checkpoint";
        // Cutting the indexes below the checkpoint makes the checkpoint a lie until the repair ends; lower
        // it first, so a crash in between (with the abort marker present) rescans from here.
        if (cp instanceof Checkpoint.ReadResult.Ok ok && ok.values().safeOffset() > start) {
            checkpoint.write(new Checkpoint.Values(start, ok.values().commitLogMinOffset(), clock.millis()));
        }
        Scan scan = scanValidEnd(start);
        Optional<Path> quarantined =
                quarantine.setAsideFrom(commitLog.segments(), scan.end, why + "; scan stopped: " + scan.stop);
        hook.reach(CrashPoint.REPAIR_AFTER_QUARANTINE);
        long truncated = repair(start, scan.end);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info(
                "{}: scanned {} bytes ({} records) of the commit log from offset {} ({}); valid end {}, {} bytes of segment space after it zeroed or dropped; indexes rebuilt; in {} ms",
                why,
                scan.end - start,
                scan.records,
                start,
                describe(cp),
                scan.end,
                truncated,
                ms);
        return new Outcome(false, start, scan.end, scan.end - start, scan.records, truncated, ms, quarantined);
    }

    /** Where a crash scan starts: the checkpoint's safe offset when it is usable, else the first offset. */
    long safePoint(Checkpoint.ReadResult cp, long clMin, long clLimit) {
        if (cp instanceof Checkpoint.ReadResult.Ok ok) {
            long safe = ok.values().safeOffset();
            if (safe >= clMin && safe <= clLimit) {
                return safe;
            }
            LOG.warn(
                    "checkpoint offset {} is outside the stored commit log [{}, {}]; scanning from the start",
                    safe,
                    clMin,
                    clLimit);
        }
        return clMin;
    }

    private record Scan(long end, long records, String stop) {}

    /** Validates records from {@code start}; returns the offset of the first one that fails. */
    Scan scanValidEnd(long start) {
        long pos = start;
        long records = 0;
        while (true) {
            SegmentFile s = commitLog.segments().find(pos);
            if (s == null) {
                return new Scan(pos, records, "end of the last segment");
            }
            int at = (int) (pos - s.start());
            RecordDecodeResult r = StoredMessageDecoder.decode(s.mapped(), at, s.size(), maxMessageSize, true);
            if (r instanceof RecordDecodeResult.Decoded d && d.record().physicalOffset() == pos) {
                pos += d.size();
                records++;
            } else if (r instanceof RecordDecodeResult.Blank b && b.size() == s.size() - at) {
                pos = s.end();
            } else {
                if (!(r instanceof RecordDecodeResult.Corrupt c && c.reason().startsWith("zero bytes"))) {
                    LOG.warn("commit log ends at {}: {}", pos, r);
                }
                return new Scan(pos, records, "record at " + pos + ": " + r);
            }
        }
    }

    private long repair(long start, long end) {
        long clLimit = commitLog.segments().isEmpty()
                ? end
                : commitLog.segments().last().end();
        commitLog.truncate(end);
        hook.reach(CrashPoint.REPAIR_AFTER_COMMITLOG_TRUNCATED);
        queues.truncateAllFrom(start);
        hook.reach(CrashPoint.REPAIR_AFTER_QUEUES_TRUNCATED);
        index.truncateFrom(start);
        hook.reach(CrashPoint.REPAIR_AFTER_INDEX_TRUNCATED);
        commitLog.recoverTo(end, java.util.Map.of());
        dispatcher.redispatch(start, end);
        hook.reach(CrashPoint.REPAIR_AFTER_REDISPATCH);
        commitLog.recoverTo(end, queues.maxOffsets());
        queues.flushAll();
        index.flush();
        checkpoint.write(new Checkpoint.Values(end, commitLog.minOffset(), clock.millis()));
        return Math.max(0, clLimit - end);
    }

    private long firstStoredOffset(Checkpoint.ReadResult cp) {
        SegmentFile first = commitLog.segments().first();
        if (first != null) {
            return first.start();
        }
        return cp instanceof Checkpoint.ReadResult.Ok ok ? ok.values().safeOffset() : 0;
    }

    private static String describe(Checkpoint.ReadResult cp) {
        if (cp instanceof Checkpoint.ReadResult.Ok ok) {
            return "checkpoint at " + ok.values().safeOffset();
        }
        if (cp instanceof Checkpoint.ReadResult.Corrupt c) {
            return "checkpoint unusable: " + c.reason();
        }
        return "no checkpoint";
    }
}
