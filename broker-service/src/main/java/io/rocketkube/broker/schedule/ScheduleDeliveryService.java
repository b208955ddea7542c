package io.rocketkube.broker.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers due delayed messages: one thread walks every level's SCHEDULE_TOPIC_XXXX queue from the level's
 * position in {@link DelayOffsetTable}, and re-puts each message whose due time (store time + the level's
 * delay) has come to its real topic and queue ({@link TimeUp}). Within a level due times never decrease
 * (one delay, store times in append order), so the walk stops at the first message not yet due and the
 * thread sleeps until the earliest head is due, at most {@link #MAX_IDLE_MILLIS}: a message is delivered
 * within a few milliseconds of its due time when it was already known, within {@link #MAX_IDLE_MILLIS}
 * when it arrived on an empty level.
 *
 * <p>Why one thread and not one timer per level (the reference runs a timer task per level): the work per
 * level is a queue read and some appends, all on the same CommitLog append lock; one loop keeps them in one
 * order and needs no coordination of the position table. The head of each level is cached (its offset and
 * due time), so an idle tick costs two queue-offset reads per level and no CommitLog read.
 *
 * <p>Progress and crashes. The re-puts of a read batch are issued ({@link RealQueueBatches}: those of one
 * real queue together, in order) and all awaited; the position
 * moves past the longest prefix that was stored, never past a message whose copy failed for a reason of the
 * store (full, shut down), which is tried again after {@link #RETRY_MILLIS}. The copies after it that were
 * stored are remembered (in memory) and not put again by that retry, so a refusal never duplicates the
 * messages behind it. The table is persisted by the broker every few hundred milliseconds, so a crash
 * redelivers at most what was delivered since its last write (at-least-once, as the reference), and never
 * skips one.
 *
 * <p>What can never be delivered is logged and stepped over so it does not block its level for good: a
 * record that cannot be decoded or names no real topic, and a copy the store refuses for what it is
 * ({@link io.rocketkube.store.PutStatus#refusesTheMessage}, e.g. a real topic name that is not valid). Such a
 * message stays in SCHEDULE_TOPIC_XXXX, where the log line's offset finds it. The reference retries it
 * forever instead, holding back every later message of its level.
 *
 * <p>Threading: {@link #start} and {@link #close} from the broker's lifecycle; everything else on the
 * delivery thread.
 */
public final class ScheduleDeliveryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleDeliveryService.class);
    static final long MAX_IDLE_MILLIS = 100;
    static final long RETRY_MILLIS = 1_000;
    /** Messages read per level per pass: bounds the time one busy level holds up the others. */
    private static final int BATCH = 64;

    private static final int BATCH_BYTES = 4 * 1024 * 1024;
    private static final long PUT_TIMEOUT_SECONDS = 30;
    private static final long NONE = Long.MAX_VALUE;

    private final MessageStore store;
    private final DelayLevels levels;
    private final DelayOffsetTable table;
    private final Clock clock;
    /** Per level: the schedule-queue offset whose due time is cached in {@link #headDue}, -1 if none. */
    private final long[] headOffset;

    private final long[] headDue;
    /** Per level: no delivery attempt before this time (after a failed re-put). */
    private final long[] retryAt;
    /**
     * Per level: schedule-queue offsets past the position whose copies were stored while an earlier one
     * failed; the retry steps over them instead of storing them twice.
     */
    private final List<NavigableSet<Long>> deliveredAhead = new ArrayList<>();

    private final Counter delivered;
    private final Counter failures;
    private final Counter undeliverable;
    private final Timer lateness;
    private volatile boolean running;
    /** Set by {@link #close}: a pass in progress stops between levels. */
    private volatile boolean closed;

    private volatile Thread thread;

    public ScheduleDeliveryService(
            MessageStore store, DelayLevels levels, DelayOffsetTable table, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.levels = levels;
        this.table = table;
        this.clock = clock;
        this.headOffset = new long[levels.maxLevel() + 1];
        this.headDue = new long[levels.maxLevel() + 1];
        this.retryAt = new long[levels.maxLevel() + 1];
        java.util.Arrays.fill(headOffset, -1);
        for (int level = 0; level <= levels.maxLevel(); level++) {
            deliveredAhead.add(new TreeSet<>());
        }
        this.delivered = Counter.builder("rocketkube.broker.schedule.delivered")
                .description("delayed messages put back to their real topic")
                .register(meters);
        this.failures = Counter.builder("rocketkube.broker.schedule.failures")
                .description("delivery passes that failed (a re-put refused, an error); retried")
                .register(meters);
        this.undeliverable = Counter.builder("rocketkube.broker.schedule.undeliverable")
                .description("delayed messages their real topic refuses (logged, left in the schedule topic)")
                .register(meters);
        this.lateness = Timer.builder("rocketkube.broker.schedule.lateness")
                .description("how long after its due time a delayed message was put back")
                .register(meters);
        for (int level = 1; level <= levels.maxLevel(); level++) {
            int l = level;
            Gauge.builder("rocketkube.broker.schedule.backlog", this, s -> s.backlog(l))
                    .tag("level", String.valueOf(l))
                    .description("delayed messages of the level not yet delivered")
                    .register(meters);
        }
    }

    /** Messages of {@code level} stored but not yet delivered. */
    public long backlog(int level) {
        return Math.max(
                0, store.maxOffset(TopicNames.SCHEDULE_TOPIC, DelayLevels.queueId(level)) - table.offset(level));
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = DaemonThreads.newThread("schedule-delivery", this::run);
        thread = t;
        t.start();
    }

    private void run() {
        while (running) {
            long sleepMillis;
            try {
                long nextDue = deliverOnce();
                sleepMillis = nextDue == 0 ? 0 : Math.min(MAX_IDLE_MILLIS, Math.max(1, nextDue - clock.millis()));
            } catch (RuntimeException e) {
                failures.increment();
                LOG.error("schedule delivery pass failed; retrying in {} ms", RETRY_MILLIS, e);
                sleepMillis = RETRY_MILLIS;
            }
            if (sleepMillis > 0 && running) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleepMillis));
            }
        }
    }

    /**
     * One pass over every level. Returns 0 if more is due now (some level filled its batch), else the
     * earliest known due time ({@link #NONE} if no level has anything waiting).
     */
    long deliverOnce() {
        long earliest = NONE;
        for (int level = 1; level <= levels.maxLevel() && !closed; level++) {
            earliest = Math.min(earliest, deliverLevel(level));
        }
        return earliest;
    }

    /** Delivers what is due of one level; returns as {@link #deliverOnce}, for this level. */
    private long deliverLevel(int level) {
        long now = clock.millis();
        if (retryAt[level] > now) {
            return retryAt[level];
        }
        int queueId = DelayLevels.queueId(level);
        long offset = table.offset(level);
        if (headOffset[level] == offset && headDue[level] > now) {
            return headDue[level];
        }
        long max = store.maxOffset(TopicNames.SCHEDULE_TOPIC, queueId);
        if (offset >= max) {
            return NONE;
        }
        long min = store.minOffset(TopicNames.SCHEDULE_TOPIC, queueId);
        if (offset < min) {
            LOG.warn(
                    "delay level {}: offsets {}..{} were deleted by retention before delivery", level, offset, min - 1);
            table.advance(level, min);
            deliveredAhead.get(level).headSet(min).clear();
            return 0;
        }
        try (GetResult read =
                store.get(TopicNames.SCHEDULE_TOPIC, queueId, offset, BATCH, BATCH_BYTES, MessageFilter.ALL)) {
            if (read.messages().isEmpty()) {
                if (read.nextBeginOffset() > offset) {
                    table.advance(level, read.nextBeginOffset());
                    return 0;
                }
                return NONE;
            }
            return deliverBatch(level, offset, read, now);
        }
    }

    /** One step of a batch: the position after it, and its re-put (null for a record stepped over). */
    private record Step(long next, CompletableFuture<PutResult> put, long due) {}

    /** A step before its re-put is issued: the copy to store (null for a record stepped over). */
    private record Due(long next, MessageRecordRequest copy, long due) {}

    private long deliverBatch(int level, long offset, GetResult read, long now) {
        long delay = levels.delayMillis(level);
        List<Due> dues = new ArrayList<>();
        long waitFor = NONE;
        long position = offset;
        for (MessageSlice slice : read.messages()) {
            RecordDecodeResult decoded = StoredMessageDecoder.decode(
                    slice.view(), slice.view().position(), slice.view().limit(), Integer.MAX_VALUE, false);
            if (!(decoded instanceof RecordDecodeResult.Decoded ok)) {
                LOG.error(
                        "delay level {}: record at physical offset {} cannot be decoded ({}); skipped",
                        level,
                        slice.physicalOffset(),
                        decoded);
                position++;
                dues.add(new Due(position, null, 0));
                continue;
            }
            MessageRecord record = ok.record();
            long due = record.storeTimestamp() + delay;
            if (due > now) {
                headOffset[level] = record.queueOffset();
                headDue[level] = due;
                waitFor = due;
                break;
            }
            position = record.queueOffset() + 1;
            if (deliveredAhead.get(level).remove(record.queueOffset())) {
                dues.add(new Due(position, null, 0));
                continue;
            }
            Optional<MessageRecordRequest> timeUp = TimeUp.of(record);
            if (timeUp.isEmpty()) {
                LOG.error(
                        "delay level {}: message at queue offset {} names no real topic/queue; skipped",
                        level,
                        record.queueOffset());
                dues.add(new Due(position, null, 0));
                continue;
            }
            dues.add(new Due(position, timeUp.get(), due));
        }
        List<Step> steps = putTogether(dues);
        if (!completeInOrder(level, offset, steps)) {
            return retryAt[level];
        }
        // A batch delivered to its end may have more behind it: go round again at once.
        return waitFor == NONE && !steps.isEmpty() ? 0 : waitFor;
    }

    /** The steps of {@code dues}, their copies put by {@link RealQueueBatches}. */
    private List<Step> putTogether(List<Due> dues) {
        List<CompletableFuture<PutResult>> puts =
                RealQueueBatches.put(store, dues.stream().map(Due::copy).toList());
        List<Step> steps = new ArrayList<>(dues.size());
        for (int i = 0; i < dues.size(); i++) {
            Due d = dues.get(i);
            steps.add(new Step(d.next(), puts.get(i), d.due()));
        }
        return steps;
    }

    /**
     * Awaits the steps' re-puts in order and moves the level's position past the longest prefix that is
     * done. False after a re-put failed for a reason of the store: the level then waits {@link #RETRY_MILLIS}
     * and tries that one again, stepping over those after it that were stored.
     */
    private boolean completeInOrder(int level, long offset, List<Step> steps) {
        NavigableSet<Long> ahead = deliveredAhead.get(level);
        long reached = offset;
        boolean blocked = false;
        for (Step step : steps) {
            long queueOffset = step.next() - 1;
            if (step.put() != null) {
                PutResult result = await(step.put());
                if (result != null && result.status().isStored()) {
                    delivered.increment();
                    lateness.record(Math.max(0, clock.millis() - step.due()), TimeUnit.MILLISECONDS);
                } else if (result != null && result.status().refusesTheMessage()) {
                    undeliverable.increment();
                    LOG.error(
                            "delay level {}: the message at queue offset {} of {} is refused by its real topic ({});"
                                    + " it stays there and is stepped over",
                            level,
                            queueOffset,
                            TopicNames.SCHEDULE_TOPIC,
                            result.status());
                } else {
                    if (!blocked) {
                        failures.increment();
                        LOG.warn(
                                "delay level {}: re-put failed ({}); retrying in {} ms",
                                level,
                                result == null ? "timed out" : result.status(),
                                RETRY_MILLIS);
                        retryAt[level] = clock.millis() + RETRY_MILLIS;
                        blocked = true;
                    }
                    continue;
                }
                if (blocked) {
                    ahead.add(queueOffset);
                }
            }
            if (!blocked) {
                reached = step.next();
            }
        }
        if (reached != offset) {
            table.advance(level, reached);
            ahead.headSet(reached).clear();
        }
        return !blocked;
    }

    private static PutResult await(CompletableFuture<PutResult> put) {
        try {
            return put.get(PUT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops the thread; the caller persists the table afterwards. */
    @Override
    public synchronized void close() {
        closed = true;
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(PUT_TIMEOUT_SECONDS + 5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }
}
