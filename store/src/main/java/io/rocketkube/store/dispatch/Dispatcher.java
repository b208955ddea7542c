package io.rocketkube.store.dispatch;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.store.MessageArrivalListener;
import io.rocketkube.store.TagsCodeResolver;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.commitlog.DispatchRequest;
import io.rocketkube.store.commitlog.TopicQueue;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.health.HealthState;
import io.rocketkube.store.health.LoopMonitor;
import io.rocketkube.store.health.ServiceThread;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueue;
import io.rocketkube.store.queue.ConsumeQueueSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the ConsumeQueues and the index from the CommitLog, in log order, on its own thread, and tells
 * the arrival listeners.
 *
 * <p>Two sources, one order. Appends made through the put path hand over a {@link DispatchRequest}
 * (a "hint") while they hold the append lock, so the common case never reads the record back. Records
 * that arrive without a hint (replicated bytes, recovery) are decoded from the CommitLog, their tags
 * code computed by the {@link TagsCodeResolver}. The dispatcher always works at its own position
 * ({@link #dispatchedOffset()}) and uses a hint only if it starts exactly there.
 *
 * <p>Visibility. The dispatcher never goes past {@code visibleEnd}: the written offset under
 * ASYNC_FLUSH, the <em>flushed</em> offset under SYNC_FLUSH, so a consumer can never read (and ack) a
 * record that a crash could still take away.
 *
 * <p>Failures. An iteration that throws (a ConsumeQueue or index write, a tags resolver) is counted in
 * its {@link LoopMonitor}, logged, and retried from the same record after a growing backoff; both writes
 * are idempotent at a given position (a queue entry is overwritten, an index entry at worst repeated).
 * A record that is corrupt below the visible end can never be passed: that latches a fatal reason.
 * A listener that throws is counted and skipped: the record is dispatched already.
 *
 * <p>Stopping. Each record is applied under {@code applyLock}; {@link #stop} takes it after the thread
 * was asked to end (whether or not it did within the timeout) and sets a fence, so a thread that was
 * stuck, say in a slow listener, can never write into the queues and index the store closes next.
 *
 * <p>Threading: {@link #offer} and {@link #wakeUp} from any thread; everything else on the dispatcher
 * thread, or from recovery before {@link #start}. The append path does not call {@link #wakeUp}: waking
 * the dispatcher per message costs a futex wake and a context switch each (measured: it capped
 * ASYNC_FLUSH appends near 60k msg/s on 2 cores), while polling every {@link #IDLE_PARK_NANOS} costs
 * nothing measurable and bounds dispatch latency, as the reference broker's 1 ms reput loop does.
 */
public final class Dispatcher extends ServiceThread {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final TagsCodeResolver tagsCodeResolver;
    private final int maxMessageSize;
    private final ConcurrentLinkedQueue<DispatchRequest> hints;
    private final CopyOnWriteArrayList<MessageArrivalListener> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier visibleEnd;
    private final HealthState health;
    private final LoopMonitor monitor;
    private final Duration stopTimeout;
    /** Held while a record is applied; see the class comment on stopping. */
    private final ReentrantLock applyLock = new ReentrantLock();
    /** Set under applyLock by {@link #stop}: nothing is applied any more. */
    private boolean fenced;
    /** The record the last step applied, for the listeners (told outside the lock); dispatcher thread only. */
    private DispatchRequest applied;

    private volatile long dispatchedOffset;
    private String stalledReason;

    /**
     * @param hints the queue the CommitLog's append path offers its {@link DispatchRequest}s to
     */
    public Dispatcher(
            CommitLog commitLog,
            ConcurrentLinkedQueue<DispatchRequest> hints,
            ConsumeQueueSet queues,
            IndexService index,
            TagsCodeResolver tagsCodeResolver,
            int maxMessageSize) {
        this(
                commitLog,
                hints,
                queues,
                index,
                tagsCodeResolver,
                maxMessageSize,
                commitLog::writtenOffset,
                new HealthState(Clock.systemUTC()),
                Duration.ofSeconds(30));
    }

    /**
     * @param visibleEnd  how far records may be dispatched (written or flushed offset)
     * @param health      where the loop's monitor is registered and fatal reasons are latched
     * @param stopTimeout how long {@link #stop} waits for the thread before fencing it off
     */
    public Dispatcher(
            CommitLog commitLog,
            ConcurrentLinkedQueue<DispatchRequest> hints,
            ConsumeQueueSet queues,
            IndexService index,
            TagsCodeResolver tagsCodeResolver,
            int maxMessageSize,
            LongSupplier visibleEnd,
            HealthState health,
            Duration stopTimeout) {
        this.commitLog = commitLog;
        this.hints = hints;
        this.queues = queues;
        this.index = index;
        this.tagsCodeResolver = tagsCodeResolver;
        this.maxMessageSize = maxMessageSize;
        this.visibleEnd = visibleEnd;
        this.health = health;
        this.monitor = health.loop("store-dispatcher", true);
        this.stopTimeout = stopTimeout;
    }

    /** The loop's health record (errors, heartbeat). */
    @Override
    public LoopMonitor monitor() {
        return monitor;
    }

    /** Everything below this physical offset is in the ConsumeQueues and the index. */
    public long dispatchedOffset() {
        return dispatchedOffset;
    }

    public void addListener(MessageArrivalListener l) {
        listeners.add(l);
    }

    /**
     * Recovery: dispatches every valid record from {@code from} to {@code end} (all already validated),
     * synchronously. Leaves the position at {@code end}.
     */
    public void redispatch(long from, long end) {
        dispatchedOffset = from;
        while (dispatchedOffset < end) {
            if (!step(end)) {
                throw new IllegalStateException("recovery could not dispatch the record at " + dispatchedOffset
                        + " below the validated end " + end + ": " + stalledReason);
            }
            notifyListeners();
        }
    }

    /** Sets the position without dispatching (clean start). */
    public void resetTo(long offset) {
        dispatchedOffset = offset;
        hints.clear();
    }

    /**
     * Replica truncation, or a fresh replica's first offset: runs {@code action} (which may cut the
     * CommitLog, the ConsumeQueues and the index) while no record is being applied, then moves the position
     * to {@code newPosition} of the current one and drops the hints. Any thread.
     */
    public void reposition(Runnable action, java.util.function.LongUnaryOperator newPosition) {
        applyLock.lock();
        try {
            action.run();
            dispatchedOffset = newPosition.applyAsLong(dispatchedOffset);
            hints.clear();
        } finally {
            applyLock.unlock();
        }
    }

    public void start() {
        startThread("store-dispatcher");
    }

    /**
     * Stops after dispatching everything visible so far, waiting at most the stop timeout; then fences
     * the thread off either way, so nothing is applied after this returns.
     *
     * @return true if the thread ended within the timeout
     */
    public boolean stop() {
        boolean stopped = stopAndJoin(stopTimeout);
        if (!stopped) {
            LOG.warn("dispatcher did not stop within {}; fencing it off at offset {}", stopTimeout, dispatchedOffset);
        }
        applyLock.lock();
        try {
            fenced = true;
        } finally {
            applyLock.unlock();
        }
        return stopped;
    }

    @Override
    protected void loop() {
        while (true) {
            long end;
            boolean progressed;
            try {
                applyLock.lock();
                try {
                    if (fenced) {
                        return;
                    }
                    // Read under the lock: a replica truncation (reposition) may lower the end meanwhile.
                    end = visibleEnd.getAsLong();
                    progressed = dispatchedOffset < end && step(end);
                } finally {
                    applyLock.unlock();
                }
                notifyListeners();
                monitor.beat();
            } catch (Throwable e) {
                long backoff = monitor.failed(e);
                LOG.error("dispatch of the record at {} failed; retrying in {} ms", dispatchedOffset, backoff, e);
                if (running()) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(backoff));
                }
                if (!running()) {
                    return;
                }
                continue;
            }
            if (progressed) {
                continue;
            }
            if (!running()) {
                return;
            }
            parkUnless(() -> visibleEnd.getAsLong() != end, IDLE_PARK_NANOS);
        }
    }

    /** Dispatches the record at the current position; false if it is incomplete or invalid. */
    private boolean step(long written) {
        long p = dispatchedOffset;
        DispatchRequest hint = hints.peek();
        while (hint != null && hint.physicalOffset() < p) {
            hints.poll();
            hint = hints.peek();
        }
        if (hint != null && hint.physicalOffset() == p) {
            if (hint.end() > written) {
                return false;
            }
            hints.poll();
            apply(hint);
            dispatchedOffset = hint.end();
            return true;
        }
        SegmentFile s = commitLog.retainSegment(p);
        if (s == null) {
            stalledReason = "no segment holds offset " + p;
            return false;
        }
        try {
            int at = (int) (p - s.start());
            int limit = (int) Math.min(s.size(), written - s.start());
            RecordDecodeResult r = StoredMessageDecoder.decode(s.mapped(), at, limit, maxMessageSize, true);
            if (r instanceof RecordDecodeResult.Decoded d && d.record().physicalOffset() != p) {
                r = new RecordDecodeResult.Corrupt(
                        "record at " + p + " says it is at " + d.record().physicalOffset());
            }
            if (r instanceof RecordDecodeResult.Decoded d) {
                DispatchRequest req = fromRecord(d.record(), p, d.size());
                apply(req);
                if (MessageSysFlag.isDispatchedToConsumeQueue(req.sysFlag())) {
                    commitLog.observeQueueOffset(new TopicQueue(req.topic(), req.queueId()), req.queueOffset() + 1);
                }
                dispatchedOffset = p + d.size();
                return true;
            }
            if (r instanceof RecordDecodeResult.Blank) {
                dispatchedOffset = s.end();
                return true;
            }
            if (r instanceof RecordDecodeResult.Corrupt c) {
                if (stalledReason == null) {
                    LOG.error("dispatch stalled: invalid record at {}: {}", p, c.reason());
                    if (running()) {
                        health.latchFatal("dispatcher cannot get past the invalid record at " + p + ": " + c.reason());
                    }
                }
                stalledReason = c.reason();
                return false;
            }
            stalledReason = "incomplete record at " + p;
            return false;
        } finally {
            s.release();
        }
    }

    private DispatchRequest fromRecord(MessageRecord m, long phy, int size) {
        String keys = m.property(MessageProperties.KEYS);
        List<String> keyList = keys == null || keys.isEmpty()
                ? List.of()
                : new ArrayList<>(Arrays.asList(keys.split(MessageProperties.KEY_SEPARATOR)));
        return new DispatchRequest(
                m.topic(),
                m.queueId(),
                m.queueOffset(),
                phy,
                size,
                m.sysFlag(),
                tagsCodeResolver.tagsCode(m.topic(), m.properties()),
                m.storeTimestamp(),
                keyList,
                m.property(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX));
    }

    private void apply(DispatchRequest r) {
        if (MessageSysFlag.isDispatchedToConsumeQueue(r.sysFlag())) {
            ConsumeQueue q = queues.getOrCreate(r.topic(), r.queueId());
            q.put(r.queueOffset(), r.physicalOffset(), r.size(), r.tagsCode());
            applied = r;
        }
        index.dispatch(r);
    }

    /** Tells the listeners of the record the last step applied; outside applyLock, so a slow one cannot block stop. */
    private void notifyListeners() {
        DispatchRequest r = applied;
        if (r == null) {
            return;
        }
        applied = null;
        for (MessageArrivalListener l : listeners) {
            try {
                l.onArrival(r.topic(), r.queueId(), r.queueOffset(), r.tagsCode(), r.storeTimestamp());
            } catch (Throwable e) {
                monitor.failed(e);
                LOG.warn("arrival listener failed", e);
            }
        }
    }
}
