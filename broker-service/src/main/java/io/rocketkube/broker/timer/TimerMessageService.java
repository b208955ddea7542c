package io.rocketkube.broker.timer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rocketkube.broker.schedule.RealQueueBatches;
import io.rocketkube.broker.schedule.TimeUp;
import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs 5.x timer messages (docs/scheduled-delivery.md): one thread that (1) enqueues, reading the timer
 * topic's ConsumeQueue from where it stopped and linking each timer into the {@link TimerWheelStore} by its
 * {@code TIMER_OUT_MS}, and (2) delivers, taking each tick whose time has come and re-putting its timers to
 * their real topic and queue (with TIMER_ENQUEUE_MS and TIMER_DEQUEUE_MS), or, for a timer beyond the wheel's
 * horizon, to the timer topic again (TIMER_ROLL_TIMES + 1). The thread sleeps until the next tick, at most
 * {@link #MAX_IDLE_MILLIS}, so a timer arrives no earlier than its time and within about the precision after.
 *
 * <p>Cancel: a timer-topic message with {@code TIMER_DEL_UNIQKEY} is linked as a cancel marker (flagged in its
 * log record); when its tick comes it is not delivered, and neither is any timer of that tick it names
 * ({@link TickChain}), as RocketMQ 5's delete markers. Markers are timer-topic messages and log records like
 * any timer, so they survive a crash the same way.
 *
 * <p>A tick is done once all its re-puts completed (stored; durable under SYNC_FLUSH); the store then writes
 * a checkpoint, so after a crash only the tick in flight is delivered again. A re-put refused for a reason of
 * the store (a full disk) stops delivery and is retried after {@link #RETRY_MILLIS}, stepping over every
 * timer of the tick whose re-put did complete, before or after the refused one ({@link DoneInTick}: by
 * CommitLog offset, because timers enqueued meanwhile with a past time join the same tick at its head). A
 * re-put refused for what the copy is ({@link io.rocketkube.store.PutStatus#refusesTheMessage}) can never
 * succeed: it is logged and stepped over, the timer staying in the timer topic, so one bad timer cannot hold
 * back every later tick. The master only runs this; a slave receives the re-puts by replication.
 *
 * <p>Threading: {@link #start} and {@link #close} from the broker's lifecycle; the gauges read volatile
 * positions; everything else on the timer thread.
 *
 * <p><b>Why this class is past 500 lines</b>: it is the timer thread's one loop, enqueue and delivery sharing
 * the wheel, the checkpoint and the retry state ({@code retryAt}, {@link DoneInTick}) that decide what a pass
 * may do next; the parts that stand alone already live elsewhere (the files in {@link TimerWheelStore}, a tick's
 * walk in {@link TickChain}, the copies' batching in {@code RealQueueBatches}, the runtime keys in
 * {@link TimerRuntimeInfo}). Split further, that shared state would be passed back and forth between classes.
 */
public final class TimerMessageService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerMessageService.class);
    /** No property removed from a rolled timer's copy. */
    private static final String[] NOTHING = {};

    static final long MAX_IDLE_MILLIS = 50;
    static final long RETRY_MILLIS = 1_000;
    /** Moved positions without a delivered tick are checkpointed this often. */
    static final long CHECKPOINT_MILLIS = 200;

    private static final int ENQUEUE_BATCH = 256;
    private static final int ENQUEUE_BATCH_BYTES = 4 * 1024 * 1024;
    /**
     * Re-puts in flight at most while a tick is delivered. A full window is drained only down to half, so the
     * timer thread prepares the next re-puts while the store is still writing the previous ones.
     */
    private static final int PUT_WINDOW = 512;
    /** Timers of a tick whose copies are prepared, then put together ({@link RealQueueBatches}). */
    private static final int PUT_GROUP = 64;
    /** Ticks looked at per pass, so a long outage's empty ticks do not hold enqueue up. */
    private static final int TICKS_PER_PASS = 1_000;

    private static final long PUT_TIMEOUT_SECONDS = 30;

    private final MessageStore store;
    private final TimerWheelStore wheel;
    private final Clock clock;
    private final Counter enqueued;
    private final Counter delivered;
    private final Counter rolled;
    private final Counter cancelled;
    private final Counter failures;
    private final Timer lateness;
    private final TimerThroughput enqueueTps = new TimerThroughput();
    private final TimerThroughput dequeueTps = new TimerThroughput();
    /** Timers of the tick being delivered whose re-puts completed: stepped over if the tick is tried again. */
    private final DoneInTick done = new DoneInTick();

    private final Counter undeliverable;
    private long retryAt;
    private long lastCheckpoint;
    private long checkpointedQueueOffset = -1;
    private volatile boolean running;
    /** Set by {@link #close}: a pass in progress stops between ticks. */
    private volatile boolean closed;

    private volatile Thread thread;

    /**
     * Opens (recovering) the schedule under {@code dir} ({@code <storePath>/timer}) for {@code settings}.
     *
     * @throws IOException if the files cannot be read or do not belong together
     */
    public static TimerMessageService open(
            Path dir, TimerSettings settings, MessageStore store, Clock clock, MeterRegistry meters)
            throws IOException {
        TimerWheelStore wheel = TimerWheelStore.open(
                dir,
                settings.precisionMs(),
                TimerWheelStore.slotCount(settings.precisionMs(), settings.maxDelayMs()),
                clock.millis(),
                TimerLog.DEFAULT_RECORDS_PER_SEGMENT);
        return new TimerMessageService(store, wheel, clock, meters);
    }

    TimerMessageService(MessageStore store, TimerWheelStore wheel, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.wheel = wheel;
        this.clock = clock;
        this.enqueued = Counter.builder("rocketkube.broker.timer.enqueued")
                .description("timer messages linked into the wheel")
                .register(meters);
        this.delivered = Counter.builder("rocketkube.broker.timer.delivered")
                .description("timer messages put back to their real topic")
                .register(meters);
        this.rolled = Counter.builder("rocketkube.broker.timer.rolled")
                .description("timer messages beyond the wheel's horizon sent round again")
                .register(meters);
        this.cancelled = Counter.builder("rocketkube.broker.timer.cancelled")
                .description("timer messages not delivered because a TIMER_DEL_UNIQKEY marker of their tick named them")
                .register(meters);
        this.failures = Counter.builder("rocketkube.broker.timer.failures")
                .description("timer passes that failed (a re-put refused, an I/O error); retried")
                .register(meters);
        this.undeliverable = Counter.builder("rocketkube.broker.timer.undeliverable")
                .description("timer messages their real topic refuses (logged, left in the timer topic)")
                .register(meters);
        this.lateness = Timer.builder("rocketkube.broker.timer.lateness")
                .description("how long after its time a timer message was put back")
                .register(meters);
        Gauge.builder("rocketkube.broker.timer.pending", wheel, TimerWheelStore::pending)
                .description("timer messages in the wheel, not yet delivered")
                .register(meters);
        Gauge.builder("rocketkube.broker.timer.enqueue.behind", this, TimerMessageService::offsetBehind)
                .description("timer-topic messages not yet linked into the wheel")
                .register(meters);
        Gauge.builder("rocketkube.broker.timer.deliver.behind.ms", this, TimerMessageService::deliverBehindMillis)
                .description("how far the next tick to deliver is behind the clock")
                .register(meters);
    }

    /** Timer-topic messages stored but not yet in the wheel (RocketMQ's {@code timerOffsetBehind}). */
    public long offsetBehind() {
        return Math.max(0, store.maxOffset(TopicNames.TIMER_TOPIC, 0) - wheel.queueOffset());
    }

    /** Milliseconds the delivery is behind the clock (0 when it keeps up within one tick). */
    public long deliverBehindMillis() {
        return Math.max(0, clock.millis() - wheel.deliverTick() - wheel.precisionMs());
    }

    /** Timers due (their tick has come) and not yet delivered (RocketMQ's {@code timerCongestNum}). */
    public long dueNotDelivered() {
        long now = clock.millis();
        long n = 0;
        for (long t = wheel.deliverTick(), i = 0; t <= now && i < TICKS_PER_PASS; t += wheel.precisionMs(), i++) {
            n += wheel.count(t);
        }
        return n;
    }

    public long pending() {
        return wheel.pending();
    }

    public double enqueueTps() {
        return enqueueTps.perSecond(clock.millis());
    }

    public double dequeueTps() {
        return dequeueTps.perSecond(clock.millis());
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        Thread t = DaemonThreads.newThread("timer-delivery", this::run);
        thread = t;
        t.start();
    }

    private void run() {
        while (running) {
            long sleepMillis;
            try {
                boolean busy = passOnce();
                long nextTick = Math.max(wheel.deliverTick(), retryAt);
                sleepMillis = busy ? 0 : Math.min(MAX_IDLE_MILLIS, Math.max(1, nextTick - clock.millis()));
            } catch (IOException | RuntimeException e) {
                failures.increment();
                LOG.error("timer pass failed; retrying in {} ms", RETRY_MILLIS, e);
                retryAt = clock.millis() + RETRY_MILLIS;
                sleepMillis = RETRY_MILLIS;
            }
            if (sleepMillis > 0 && running) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(sleepMillis));
            }
        }
    }

    /** One enqueue batch and the due ticks; true if more work is waiting now. */
    boolean passOnce() throws IOException {
        boolean more = enqueue();
        long now = clock.millis();
        if (retryAt <= now) {
            more |= deliverDue(now);
        }
        if (now - lastCheckpoint >= CHECKPOINT_MILLIS && wheel.queueOffset() != checkpointedQueueOffset) {
            checkpoint(now);
        }
        return more;
    }

    private void checkpoint(long now) throws IOException {
        wheel.checkpoint();
        lastCheckpoint = now;
        checkpointedQueueOffset = wheel.queueOffset();
    }

    /** Links the next batch of the timer topic into the wheel; true if a full batch was read. */
    private boolean enqueue() throws IOException {
        long offset = wheel.queueOffset();
        long max = store.maxOffset(TopicNames.TIMER_TOPIC, 0);
        if (offset >= max) {
            return false;
        }
        long min = store.minOffset(TopicNames.TIMER_TOPIC, 0);
        if (offset < min) {
            LOG.warn("timer topic offsets {}..{} were deleted by retention before they were enqueued", offset, min - 1);
            wheel.skip(min - 1);
            return true;
        }
        int read = 0;
        try (GetResult got =
                store.get(TopicNames.TIMER_TOPIC, 0, offset, ENQUEUE_BATCH, ENQUEUE_BATCH_BYTES, MessageFilter.ALL)) {
            if (got.messages().isEmpty()) {
                if (got.nextBeginOffset() > offset) {
                    wheel.skip(got.nextBeginOffset() - 1);
                    return true;
                }
                return false;
            }
            for (MessageSlice slice : got.messages()) {
                Optional<MessageRecord> record = decode(slice);
                long deliverMs = record.map(TimerMessageService::outMs).orElse(-1L);
                if (deliverMs < 0) {
                    long at = record.map(MessageRecord::queueOffset).orElse(wheel.queueOffset());
                    LOG.error(
                            "timer topic record at physical offset {} has no valid {}; skipped",
                            slice.physicalOffset(),
                            TimerProperties.OUT_MS);
                    wheel.skip(at);
                    continue;
                }
                boolean cancel = PropertiesCodec.find(record.get().properties(), TimerProperties.DEL_UNIQKEY) != null;
                wheel.add(deliverMs, record.get().queueOffset(), slice.physicalOffset(), slice.size(), cancel);
                read++;
            }
        }
        enqueued.increment(read);
        enqueueTps.add(read, clock.millis());
        return read >= ENQUEUE_BATCH;
    }

    private static long outMs(MessageRecord record) {
        String out = PropertiesCodec.find(record.properties(), TimerProperties.OUT_MS);
        try {
            return out == null ? -1 : Math.max(0, Long.parseLong(out.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Delivers the ticks whose time has come; true if some are still due after this pass. */
    private boolean deliverDue(long now) throws IOException {
        for (int i = 0; i < TICKS_PER_PASS && !closed; i++) {
            long tick = wheel.deliverTick();
            if (tick > now) {
                return false;
            }
            if (wheel.count(tick) > 0) {
                if (!deliverTick(tick)) {
                    retryAt = clock.millis() + RETRY_MILLIS;
                    return false;
                }
                wheel.delivered();
                checkpoint(now);
            } else {
                wheel.delivered();
            }
        }
        return wheel.deliverTick() <= now;
    }

    /** Re-puts every timer of {@code tick}; false if one was refused (the tick is tried again later). */
    private boolean deliverTick(long tick) throws IOException {
        done.startTick(tick);
        TickChain chain = TickChain.read(tick, wheel, this::cancelKeyAt);
        ArrayDeque<Put> window = new ArrayDeque<>();
        List<TimerLog.Entry> entries = new ArrayList<>(PUT_GROUP);
        List<MessageRecordRequest> copies = new ArrayList<>(PUT_GROUP);
        boolean walked = chain.forEach(wheel, e -> {
            if (done.contains(e.commitLogOffset())) {
                return true;
            }
            boolean due = e.deliverMs() <= tick;
            entries.add(e);
            copies.add(due && e.cancel() ? null : copy(e, tick, chain));
            if (entries.size() < PUT_GROUP) {
                return true;
            }
            issue(entries, copies, window);
            return window.size() < PUT_WINDOW || awaitWindow(tick, window, PUT_WINDOW / 2);
        });
        if (walked) {
            issue(entries, copies, window);
        }
        boolean complete = walked && awaitWindow(tick, window, 0);
        if (complete) {
            done.clear();
        }
        return complete;
    }

    /** Puts {@code copies} ({@link RealQueueBatches}) into the window, each with its entry; empties both lists. */
    private void issue(List<TimerLog.Entry> entries, List<MessageRecordRequest> copies, ArrayDeque<Put> window) {
        List<CompletableFuture<PutResult>> puts = RealQueueBatches.put(store, copies);
        for (int i = 0; i < entries.size(); i++) {
            window.add(new Put(entries.get(i), puts.get(i)));
        }
        entries.clear();
        copies.clear();
    }

    /** The TIMER_DEL_UNIQKEY of the cancel marker stored at {@code commitLogOffset}. */
    private Optional<String> cancelKeyAt(long commitLogOffset) {
        return store.lookMessageByPhysicalOffset(commitLogOffset)
                .flatMap(this::decode)
                .map(m -> PropertiesCodec.find(m.properties(), TimerProperties.DEL_UNIQKEY));
    }

    private record Put(TimerLog.Entry entry, CompletableFuture<PutResult> result) {}

    /**
     * The copy of one timer to put, or null if it is not delivered: cancelled by a marker of its tick (counted),
     * or its message cannot be read (logged, stepped over).
     */
    private MessageRecordRequest copy(TimerLog.Entry e, long tick, TickChain chain) {
        Optional<MessageRecord> record =
                store.lookMessageByPhysicalOffset(e.commitLogOffset()).flatMap(this::decode);
        if (record.isEmpty()) {
            LOG.error(
                    "timer at physical offset {} is no longer readable (deleted by retention?); skipped",
                    e.commitLogOffset());
            return null;
        }
        MessageRecord m = record.get();
        String now = String.valueOf(clock.millis());
        if (e.deliverMs() > tick) {
            String rolls = PropertiesCodec.find(m.properties(), TimerProperties.ROLL_TIMES);
            return TimeUp.copy(
                    m,
                    TopicNames.TIMER_TOPIC,
                    0,
                    NOTHING,
                    TimerProperties.ROLL_TIMES,
                    String.valueOf(rolls == null ? 1 : parseOr0(rolls) + 1),
                    TimerProperties.DEQUEUE_MS,
                    now);
        }
        if (chain.cancels(m)) {
            cancelled.increment();
            return null;
        }
        Optional<MessageRecordRequest> timeUp = TimeUp.of(
                m, TimerProperties.ENQUEUE_MS, String.valueOf(m.storeTimestamp()), TimerProperties.DEQUEUE_MS, now);
        if (timeUp.isEmpty()) {
            LOG.error("timer at physical offset {} names no real topic/queue; skipped", e.commitLogOffset());
            return null;
        }
        return timeUp.get();
    }

    private static int parseOr0(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Awaits the oldest re-puts in order until {@code keep} are left in flight, noting each completed one so a
     * retry of the tick steps over it. After a re-put refused for a reason of the store, awaits the rest of the
     * window too (they were issued and may be stored) and returns false.
     */
    private boolean awaitWindow(long tick, ArrayDeque<Put> window, int keep) {
        boolean refused = false;
        while (window.size() > (refused ? 0 : keep)) {
            Put put = window.removeFirst();
            if (put.result() != null) {
                PutResult result = await(put.result());
                if (result == null
                        || !(result.status().isStored() || result.status().refusesTheMessage())) {
                    if (!refused) {
                        failures.increment();
                        LOG.warn(
                                "timer tick {}: re-put failed ({}); retrying in {} ms",
                                tick,
                                result == null ? "timed out" : result.status(),
                                RETRY_MILLIS);
                        refused = true;
                    }
                    continue;
                }
                count(put.entry(), tick, result);
            }
            done.add(put.entry().commitLogOffset());
        }
        return !refused;
    }

    /** Counts a completed re-put: delivered or rolled, or (logged) refused for good. */
    private void count(TimerLog.Entry entry, long tick, PutResult result) {
        if (result.status().refusesTheMessage()) {
            undeliverable.increment();
            LOG.error(
                    "timer tick {}: the timer at physical offset {} is refused by its real topic ({}); it stays in {}"
                            + " and is stepped over",
                    tick,
                    entry.commitLogOffset(),
                    result.status(),
                    TopicNames.TIMER_TOPIC);
            return;
        }
        long now = clock.millis();
        if (entry.deliverMs() > tick) {
            rolled.increment();
        } else {
            delivered.increment();
            dequeueTps.add(1, now);
            lateness.record(Math.max(0, now - entry.deliverMs()), TimeUnit.MILLISECONDS);
        }
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

    private Optional<MessageRecord> decode(MessageSlice slice) {
        RecordDecodeResult decoded = StoredMessageDecoder.decode(
                slice.view(), slice.view().position(), slice.view().limit(), Integer.MAX_VALUE, false);
        return decoded instanceof RecordDecodeResult.Decoded ok ? Optional.of(ok.record()) : Optional.empty();
    }

    /** Stops the thread, writes a last checkpoint and closes the files. */
    @Override
    public synchronized void close() {
        stop();
        try {
            wheel.checkpoint();
        } catch (IOException e) {
            LOG.error("cannot write the last timer checkpoint (the next start re-reads from the previous one)", e);
        }
        try {
            wheel.close();
        } catch (IOException e) {
            LOG.warn("cannot close the timer files", e);
        }
    }

    private void stop() {
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
