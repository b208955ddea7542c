package io.rocketkube.store.commitlog;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.health.LoopMonitor;
import io.rocketkube.store.health.ServiceThread;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the CommitLog durable, on one thread.
 *
 * <ul>
 *   <li><b>SYNC_FLUSH, group commit.</b> A waiting append registers (end offset, future). The thread
 *   takes every registered waiter, runs one {@link CommitLog#flush()} ({@code fdatasync}) covering all
 *   bytes written so far, and completes each waiter whose end it covers — so N concurrent appends share
 *   one flush, and the flush itself is the batching window (no timer). A waiter not made durable within
 *   the timeout is answered FLUSH_DISK_TIMEOUT (its message stays stored).</li>
 *   <li><b>ASYNC_FLUSH.</b> Every {@code flushInterval}, flush if at least {@code flushLeastPages} 4 KiB
 *   pages are dirty or {@code flushThoroughInterval} has passed since the last flush.</li>
 * </ul>
 * In SYNC_FLUSH mode, appends that do not wait (WAIT=false) are flushed by the same interval rule.
 *
 * <p>A failed flush is fatal ({@link CommitLog#fatalReason()}): every waiter then and later is answered
 * SERVICE_NOT_AVAILABLE with the reason, never PUT_OK, because no later sync can prove its bytes durable.
 *
 * <p>Threading: {@link #awaitDurable} from any thread; the rest on the flush thread.
 */
public final class FlushService extends ServiceThread {

    private static final Logger LOG = LoggerFactory.getLogger(FlushService.class);
    private static final int PAGE_SIZE = 4096;

    private record Waiter(long end, CompletableFuture<PutResult> future, PutResult result) {}

    private final CommitLog commitLog;
    private final FlushMode mode;
    private final long intervalNanos;
    private final long leastDirtyBytes;
    private final long thoroughMillis;
    private final long syncTimeoutMillis;
    private final Clock clock;
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private long lastFlushMillis;
    private LoopMonitor monitor;

    public FlushService(
            CommitLog commitLog,
            FlushMode mode,
            Duration interval,
            int leastPages,
            Duration thorough,
            Duration syncTimeout,
            Clock clock) {
        this.commitLog = commitLog;
        this.mode = mode;
        this.intervalNanos = interval.toNanos();
        this.leastDirtyBytes = (long) leastPages * PAGE_SIZE;
        this.thoroughMillis = thorough.toMillis();
        this.syncTimeoutMillis = syncTimeout.toMillis();
        this.clock = clock;
        this.monitor = new LoopMonitor("store-flush", true, clock);
    }

    /** Reports the loop's heartbeat and failures to {@code m} instead of a private monitor; call before {@link #start}. */
    public void monitorWith(LoopMonitor m) {
        this.monitor = m;
    }

    @Override
    protected LoopMonitor monitor() {
        return monitor;
    }

    /**
     * The future completes with {@code stored} once {@code end} is durable, or with its
     * FLUSH_DISK_TIMEOUT twin after the sync flush timeout.
     */
    public CompletableFuture<PutResult> awaitDurable(long end, PutResult stored) {
        CompletableFuture<PutResult> f = new CompletableFuture<>();
        if (commitLog.flushedOffset() >= end) {
            f.complete(stored);
            return f;
        }
        f.completeOnTimeout(stored.withStatus(PutStatus.FLUSH_DISK_TIMEOUT), syncTimeoutMillis, TimeUnit.MILLISECONDS);
        waiters.add(new Waiter(end, f, stored));
        if (commitLog.fatalReason().isPresent()) {
            // The flush thread may have failed the waiters just before we queued; answer ours now.
            failWaiters(new ArrayList<>());
            return f;
        }
        wakeUp();
        if (!running()) {
            drainQuietly();
        }
        return f;
    }

    public void start() {
        lastFlushMillis = clock.millis();
        startThread("store-flush");
    }

    /** Stops the thread after a last flush; later waiters are flushed by their callers' thread. */
    public void stop() {
        stopAndJoin(Duration.ofSeconds(30));
        drainQuietly();
    }

    /** A flush on the caller's thread (store stopped); a failure is already answered to the waiters. */
    private void drainQuietly() {
        try {
            drainAndFlush();
        } catch (RuntimeException e) {
            if (commitLog.fatalReason().isEmpty()) {
                throw e;
            }
            LOG.error("commit log flush failed", e);
        }
    }

    @Override
    protected void loop() {
        while (running()) {
            try {
                if (!waiters.isEmpty()) {
                    drainAndFlush();
                    continue;
                }
                parkUnless(() -> !waiters.isEmpty(), intervalNanos);
                if (waiters.isEmpty()) {
                    intervalFlush();
                }
                monitor.beat();
            } catch (Throwable e) {
                if (commitLog.fatalReason().isPresent()) {
                    failWaiters(new ArrayList<>());
                    LOG.error("commit log flush failed; the store no longer acknowledges durable writes", e);
                    // Nothing to retry: a later sync cannot vouch for pages the failed one may have dropped.
                    while (running() && commitLog.fatalReason().isPresent()) {
                        failWaiters(new ArrayList<>());
                        LockSupport.parkNanos(this, intervalNanos);
                    }
                } else {
                    // Any Throwable: an Error escaping here would end the thread, and every later SYNC_FLUSH
                    // append would time out with nobody noticing. A persistent failure stops the heartbeat.
                    long backoff = monitor.failed(e);
                    LOG.error("commit log flush failed; retrying in {} ms", backoff, e);
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoff));
                }
            }
        }
    }

    /** Answers {@code batch} and every queued waiter: not durable, and never will be. */
    private void failWaiters(List<Waiter> batch) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            batch.add(w);
        }
        String reason = commitLog.fatalReason().orElse("flush failed");
        for (Waiter w : batch) {
            w.future()
                    .complete(PutResult.refused(
                            PutStatus.SERVICE_NOT_AVAILABLE,
                            "stored but not durable, the store failed to sync: " + reason));
        }
    }

    private void intervalFlush() {
        long dirty = commitLog.dirtyBytes();
        if (dirty <= 0) {
            return;
        }
        long now = clock.millis();
        if (dirty >= leastDirtyBytes || now - lastFlushMillis >= thoroughMillis || mode == FlushMode.SYNC_FLUSH) {
            commitLog.flush();
            lastFlushMillis = now;
        }
    }

    private void drainAndFlush() {
        List<Waiter> batch = new ArrayList<>();
        for (Waiter w; (w = waiters.poll()) != null; ) {
            batch.add(w);
        }
        if (batch.isEmpty()) {
            return;
        }
        long flushed;
        try {
            flushed = commitLog.flush();
        } catch (RuntimeException e) {
            if (commitLog.fatalReason().isPresent()) {
                failWaiters(batch);
            } else {
                waiters.addAll(batch);
            }
            throw e;
        }
        lastFlushMillis = clock.millis();
        for (Waiter w : batch) {
            if (w.end() <= flushed) {
                w.future().complete(w.result());
            } else {
                waiters.add(w);
            }
        }
    }
}
