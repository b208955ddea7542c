package io.rocketkube.store.retention;

import io.rocketkube.store.RetentionPolicy;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueueSet;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old CommitLog segments, then lets the ConsumeQueues and the index follow (their min offsets
 * move to the first record still stored).
 *
 * <ul>
 *   <li>At the configured hour, segments whose last write is older than the reserved time go.</li>
 *   <li>At any hour, while disk use is above the expired-cleaning threshold, so do expired segments.</li>
 *   <li>At any hour, while disk use is above the forced-cleaning threshold, the oldest segments go
 *       regardless of age: unconsumed messages are given up before writes are refused.</li>
 * </ul>
 * These are RocketMQ's three disk thresholds (75, 85 and 90 % by default, the last being the store's write
 * gate); a lower forced threshold would delete unexpired data on a disk that other users fill.
 * The segment being written and segments not yet fully dispatched or flushed are never deleted.
 *
 * <p>Threading: {@link #runOnce} from one scheduler thread; {@link #policy(RetentionPolicy)} from any, seen by the
 * next pass.
 */
public final class RetentionService {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionService.class);

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final Dispatcher dispatcher;
    private final Clock clock;
    private final double cleanForciblyAbove;
    private volatile RetentionPolicy policy;
    private final DoubleSupplier diskUsage;

    /**
     * @param diskUsage fraction 0..1 of the data disk in use
     */
    public RetentionService(
            CommitLog commitLog,
            ConsumeQueueSet queues,
            IndexService index,
            Dispatcher dispatcher,
            Clock clock,
            RetentionPolicy policy,
            int diskCleanForciblyPercent,
            DoubleSupplier diskUsage) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.policy = policy;
        this.cleanForciblyAbove = diskCleanForciblyPercent / 100.0;
        this.diskUsage = diskUsage;
    }

    /** Replaces the expiry rules; the next pass follows them. */
    public void policy(RetentionPolicy newPolicy) {
        policy = newPolicy;
    }

    public RetentionPolicy policy() {
        return policy;
    }

    /** One retention pass; returns the number of segments deleted. */
    public int runOnce() {
        return runOnce(false);
    }

    /**
     * One retention pass.
     *
     * @param anyHour expired segments go now, as if it were the deletion hour (an operator's request)
     * @return the number of segments deleted
     */
    public int runOnce(boolean anyHour) {
        RetentionPolicy rules = policy;
        long now = clock.millis();
        boolean deleteHour = anyHour
                || rules.deleteHours()
                        .contains(ZonedDateTime.ofInstant(Instant.ofEpochMilli(now), clock.getZone())
                                .getHour());
        double cleanExpiredAbove = rules.cleanExpiredPercent() / 100.0;
        int deleted = 0;
        while (true) {
            SegmentFile first = commitLog.segments().first();
            if (first == null) {
                break;
            }
            double usage = diskUsage.getAsDouble();
            boolean forced = usage > cleanForciblyAbove;
            boolean expired =
                    (deleteHour || usage > cleanExpiredAbove) && lastModified(first) + rules.reservedMillis() <= now;
            if (!forced && !expired) {
                break;
            }
            long limit = Math.min(
                    Math.min(dispatcher.dispatchedOffset(), commitLog.writtenOffset()), commitLog.flushedOffset());
            if (!commitLog.deleteFirstSegmentBefore(limit)) {
                break;
            }
            deleted++;
            LOG.info(
                    "retention deleted commit log segment {} ({})",
                    first.path().getFileName(),
                    forced ? "disk usage above the forced-cleaning threshold" : "expired");
        }
        if (deleted > 0) {
            dropExpiredQueueFiles();
        }
        return deleted;
    }

    /** Lets the ConsumeQueues and the index follow the CommitLog's min offset. */
    public void dropExpiredQueueFiles() {
        long min = commitLog.minOffset();
        queues.dropAllBefore(min);
        index.dropBefore(min);
    }

    private static long lastModified(SegmentFile f) {
        try {
            return Files.getLastModifiedTime(f.path()).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE / 2;
        }
    }
}
