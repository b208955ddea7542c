package io.rocketkube.store.commitlog;

import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.health.LoopMonitor;
import io.rocketkube.store.health.ServiceThread;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one byte of every 4 KiB page a little ahead of the CommitLog's write position, on its own
 * thread, so that appends copied into the mapping ({@link WritePath#MAPPING}) do not take the expensive
 * page fault themselves while they hold the append lock.
 *
 * <p>Why a read: the first touch of a page of a sparse segment makes the kernel allocate a page-cache
 * page and zero it (perf on this machine: {@code filemap_fault -> ext4_mpage_readpages ->
 * zero_user_segments -> memset} was a third of all CPU of an ASYNC_FLUSH append run). A read fault does
 * that work and leaves the page clean, so the appender's later write only upgrades the mapping
 * (write-protect fault, no zeroing) and the page is written to disk once, with its data. Touching by a
 * write would dirty zero pages that a flush could write before the data arrives.
 *
 * <p>It only reads, never past the current segment, and keeps no state a crash could leave behind.
 */
final class MappingPrefaulter extends ServiceThread {

    private static final Logger LOG = LoggerFactory.getLogger(MappingPrefaulter.class);
    private static final int PAGE = 4096;
    private static final int ALLOCATE_STEP = 1 << 20;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    private final CommitLog commitLog;
    private final long leadBytes;
    private final long idleNanos;
    private final LoopMonitor monitor;
    /** Touched up to here; only this thread writes it. */
    private long touchedTo;
    /** Keeps the reads from being optimized away. */
    @SuppressWarnings("unused")
    private volatile int sink;

    MappingPrefaulter(CommitLog commitLog, long leadBytes, long idleNanos, LoopMonitor monitor) {
        this.commitLog = commitLog;
        this.leadBytes = leadBytes;
        this.idleNanos = idleNanos;
        this.monitor = monitor;
    }

    void start(String threadName) {
        startThread(threadName);
    }

    /**
     * Stops the loop and waits for its thread (it ends within one idle park), so that the store's close sees
     * it gone before the flush service and the files it allocates in stop.
     */
    void stop() {
        if (!stopAndJoin(STOP_TIMEOUT)) {
            LOG.warn("the prefaulter did not stop within {}", STOP_TIMEOUT);
        }
    }

    @Override
    protected LoopMonitor monitor() {
        return monitor;
    }

    @Override
    protected void loop() {
        while (running()) {
            try {
                if (!touchAhead()) {
                    LockSupport.parkNanos(this, idleNanos);
                }
                monitor.beat();
            } catch (Throwable e) {
                // Usually a segment deleted or closed under us; the next round starts from the write
                // position. Any Throwable, so an Error cannot end the thread; it is only an optimization,
                // so the loop is not critical, but it is counted.
                long backoff = monitor.failed(e);
                LOG.debug("prefault pass stopped", e);
                touchedTo = 0;
                LockSupport.parkNanos(this, Math.max(idleNanos, backoff * 1_000_000));
            }
        }
    }

    /** One pass; false if there was nothing to touch. */
    private boolean touchAhead() {
        long written = commitLog.writtenOffset();
        long from = Math.max(touchedTo, written);
        long to = written + leadBytes;
        if (from >= to) {
            return false;
        }
        SegmentFile s = commitLog.retainSegment(from);
        if (s == null) {
            return false;
        }
        try {
            long end = Math.min(to, s.end());
            // Blocks first, so the writer's mapped stores cannot fault on a full disk (CommitLog). In 1 MiB
            // steps: the writer takes the same segment monitor when it has to allocate for itself, and
            // must not wait behind a whole 16 MiB lead.
            for (long p = from; p < end; p += ALLOCATE_STEP) {
                s.allocate((int) (p - s.start()), (int) (Math.min(end, p + ALLOCATE_STEP) - s.start()));
            }
            int acc = 0;
            for (long p = (from + PAGE - 1) & -PAGE; p < end; p += PAGE) {
                acc += s.mapped().get((int) (p - s.start()));
            }
            sink = acc;
            touchedTo = end;
            return end > from;
        } catch (java.io.IOException e) {
            // Disk full: the writer allocates for itself and refuses the append; retry after a pause.
            LOG.debug("cannot allocate ahead of the writer", e);
            return false;
        } finally {
            s.release();
        }
    }
}
