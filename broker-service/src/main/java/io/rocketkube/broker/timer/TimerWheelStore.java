package io.rocketkube.broker.timer;

import io.rocketkube.broker.timer.TimerCheckpointFile.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timer schedule on disk: {@link TimerLog} (one record per timer) + {@link TimingWheel} (one chain head
 * per tick) + {@link TimerCheckpointFile} (how far enqueue and delivery got). No per-timer state is kept in
 * the heap: a pending timer costs 48 bytes of log; the wheel is a fixed 24 bytes per slot.
 *
 * <p>Ticks are multiples of the precision (epoch ms). A timer due at {@code d} is linked into tick
 * {@code ceil(d / precision) * precision}, never earlier, or into the next tick to deliver if that has already
 * passed. The wheel covers {@code slotCount} ticks from the next tick to deliver (the horizon); a timer due
 * later is linked into the horizon's last tick and, when that comes, goes round again (the service re-puts it
 * to the timer topic with TIMER_ROLL_TIMES + 1), so any delay up to {@code timerMaxDelaySec} is served
 * whatever the wheel's size.
 *
 * <p>Crash recovery ({@link #open}). The checkpoint is written only after the log and the wheel were forced,
 * so everything it counts is on disk. Records appended after it: a process crash (kill -9) leaves them in the
 * page cache, valid and linked; {@link TimerLog#recoverTail} re-reads them to learn the queue offset enqueue
 * had reached, and the last one, if the crash came between its append and its link, is dropped and read
 * again from the timer topic's ConsumeQueue (the CommitLog is the truth). A machine crash can leave records
 * that fail their CRC, or a wheel slot that does: the log is cut at the first bad record and the wheel is
 * rebuilt from the whole log ({@link #rebuild}, one sequential read), then the ConsumeQueue is re-read from
 * the cut. Ticks delivered after the last checkpoint are delivered again (at-least-once; the service writes a
 * checkpoint after every non-empty tick, so that is at most the tick in flight).
 *
 * <p>Not thread-safe: one timer thread; {@link #pending} and the positions may be read by gauges.
 */
final class TimerWheelStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerWheelStore.class);

    private final TimerLog log;
    private final TimingWheel wheel;
    private final TimerCheckpointFile checkpointFile;
    private final long precisionMs;
    private volatile long queueOffset;
    private volatile long deliverTick;
    private volatile long pending;

    private TimerWheelStore(TimerLog log, TimingWheel wheel, TimerCheckpointFile checkpointFile, long precisionMs) {
        this.log = log;
        this.wheel = wheel;
        this.checkpointFile = checkpointFile;
        this.precisionMs = precisionMs;
    }

    /** The wheel's size for a precision and maximum delay: the maximum delay plus two ticks, capped. */
    static int slotCount(long precisionMs, long maxDelayMs) {
        long slots = (maxDelayMs + precisionMs - 1) / precisionMs + 2;
        return (int) Math.min(slots, TimingWheel.MAX_SLOTS);
    }

    static TimerWheelStore open(Path dir, long precisionMs, int slotCount, long nowMs, int recordsPerSegment)
            throws IOException {
        TimerCheckpointFile file = new TimerCheckpointFile(dir);
        Checkpoint cp = file.read().orElse(new Checkpoint(0, 0, nowMs - nowMs % precisionMs));
        if (cp.deliverTick() % precisionMs != 0) {
            // The precision changed: deliver from the tick that contains the old position, nothing is skipped.
            cp = new Checkpoint(cp.queueOffset(), cp.logEnd(), cp.deliverTick() - cp.deliverTick() % precisionMs);
        }
        TimerLog log = new TimerLog(dir.resolve("timerlog"), recordsPerSegment);
        TimingWheel wheel = TimingWheel.open(dir.resolve("timerwheel"), precisionMs, slotCount);
        TimerWheelStore store = new TimerWheelStore(log, wheel, file, precisionMs);
        try {
            store.recover(cp);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void recover(Checkpoint cp) throws IOException {
        if (log.end() < cp.logEnd()) {
            throw new IOException("timer log ends at " + log.end() + " but its checkpoint counted " + cp.logEnd()
                    + " forced bytes: the timer files are not those of this checkpoint");
        }
        deliverTick = cp.deliverTick();
        long endBefore = log.end();
        List<TimerLog.Entry> tail = log.recoverTail(cp.logEnd());
        boolean rebuild = !wheel.intact() || log.end() < endBefore;
        long next = cp.queueOffset();
        if (!tail.isEmpty()) {
            TimerLog.Entry last = tail.get(tail.size() - 1);
            if (!rebuild && last.slotTick() >= deliverTick && wheel.head(last.slotTick()) != last.position()) {
                // Crashed between the append and the link: enqueue it again from the ConsumeQueue.
                log.truncate(last.position());
                tail = tail.subList(0, tail.size() - 1);
            }
            for (TimerLog.Entry e : tail) {
                next = Math.max(next, e.queueOffset() + 1);
            }
        }
        queueOffset = next;
        if (rebuild) {
            LOG.warn(
                    "timer wheel {} rebuilt from the timer log (new, reshaped, or damaged by a machine crash)",
                    wheel.intact() ? "(log cut)" : "");
            rebuild();
        }
        log.scanMaxima();
        long count = 0;
        for (long t = deliverTick; t < horizonEnd(); t += precisionMs) {
            count += wheel.count(t);
        }
        pending = count;
        checkpoint();
    }

    /** Relinks every record whose tick is not delivered yet into a cleared wheel. */
    private void rebuild() throws IOException {
        wheel.clear();
        long from = deliverTick;
        log.forEach(e -> {
            if (e.slotTick() >= from) {
                long head = wheel.head(e.slotTick());
                int count = wheel.count(e.slotTick());
                log.relink(e, head);
                wheel.set(e.slotTick(), e.position(), count + 1);
            }
        });
    }

    long precisionMs() {
        return precisionMs;
    }

    /** The next timer-topic queue offset to enqueue. */
    long queueOffset() {
        return queueOffset;
    }

    /** The next tick to deliver; every earlier one was delivered. */
    long deliverTick() {
        return deliverTick;
    }

    /** Timers enqueued and not yet delivered (or rolled). */
    long pending() {
        return pending;
    }

    /** The first tick past the wheel's horizon. */
    private long horizonEnd() {
        return deliverTick + (long) wheel.slotCount() * precisionMs;
    }

    /** The tick a timer due at {@code deliverMs} is linked into now. */
    long slotTick(long deliverMs) {
        long tick = Math.max(Math.floorDiv(deliverMs + precisionMs - 1, precisionMs) * precisionMs, deliverTick);
        return Math.min(tick, horizonEnd() - precisionMs);
    }

    /** Links the timer at {@code queueOffset} of the timer topic; the next enqueue starts after it. */
    void add(long deliverMs, long timerQueueOffset, long commitLogOffset, int size) throws IOException {
        add(deliverMs, timerQueueOffset, commitLogOffset, size, false);
    }

    /** As {@link #add(long, long, long, int)}; {@code cancel} marks a TIMER_DEL_UNIQKEY marker. */
    void add(long deliverMs, long timerQueueOffset, long commitLogOffset, int size, boolean cancel) throws IOException {
        long tick = slotTick(deliverMs);
        int sizeField = cancel ? size | TimerLog.CANCEL_FLAG : size;
        long position = log.append(deliverMs, tick, timerQueueOffset, commitLogOffset, sizeField, wheel.head(tick));
        wheel.set(tick, position, wheel.count(tick) + 1);
        queueOffset = timerQueueOffset + 1;
        pending = pending + 1;
    }

    /** Steps over a timer-topic entry that is no timer (logged by the caller). */
    void skip(long timerQueueOffset) {
        queueOffset = timerQueueOffset + 1;
    }

    /** Head of the chain of {@code tick}, -1 for none. */
    long head(long tick) {
        return wheel.head(tick);
    }

    int count(long tick) {
        return wheel.count(tick);
    }

    /** The record at {@code position}, or null if it is gone or damaged. */
    TimerLog.Entry read(long position) throws IOException {
        return log.read(position);
    }

    /** Every re-put of {@link #deliverTick} completed: move on to the next tick. */
    void delivered() {
        pending = Math.max(0, pending - wheel.count(deliverTick));
        deliverTick = deliverTick + precisionMs;
    }

    /** Forces the log and the wheel, then records the positions; drops log segments wholly delivered. */
    void checkpoint() throws IOException {
        log.force();
        wheel.force();
        checkpointFile.write(new Checkpoint(queueOffset, log.end(), deliverTick));
        log.deleteDelivered(deliverTick);
    }

    int logSegments() {
        return log.segmentCount();
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            wheel.close();
        }
    }
}
