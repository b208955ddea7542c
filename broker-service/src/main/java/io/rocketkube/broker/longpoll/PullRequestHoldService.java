package io.rocketkube.broker.longpoll;

import io.rocketkube.store.MessageArrivalListener;
import io.rocketkube.store.MessageFilter;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Long polling: pulls that found nothing wait here until a matching message reaches their queue or their
 * suspend timeout passes, then resume exactly once. Arrival comes from the store's dispatcher
 * ({@link #onArrival}); each held pull also has its own timer, so nothing scans periodically.
 *
 * <p>Each held pull costs its request, a timer entry and a few objects (about 2 KiB), so their number is
 * capped per connection and in total; past a cap {@link #tryHold} refuses and the caller answers at once, as
 * for a pull that did not ask to be suspended (the client simply pulls again).
 *
 * <p>Thread-safe. {@code resume} actions must be cheap hand-offs (they run on the dispatcher or timer thread).
 */
public final class PullRequestHoldService implements MessageArrivalListener {
    /** One client instance holds one pull per queue it consumes from this broker. */
    public static final int DEFAULT_MAX_HELD_PER_CONNECTION = 1024;
    /** 8,192 pulls of about 2 KiB: 16 MiB, an eighth of the 128 MiB heap our brokers run with. */
    public static final int DEFAULT_MAX_HELD = 8192;

    private final Map<String, Queue<HeldPull>> held = new ConcurrentHashMap<>();
    private final Map<Object, Integer> heldPerConnection = new ConcurrentHashMap<>();
    private final AtomicInteger heldTotal = new AtomicInteger();
    private final ScheduledExecutorService timer;
    private final int maxHeldPerConnection;
    private final int maxHeld;
    private volatile boolean closed;

    public PullRequestHoldService(ScheduledExecutorService timer) {
        this(timer, DEFAULT_MAX_HELD_PER_CONNECTION, DEFAULT_MAX_HELD);
    }

    public PullRequestHoldService(ScheduledExecutorService timer, int maxHeldPerConnection, int maxHeld) {
        if (maxHeldPerConnection < 0 || maxHeld < 0) {
            throw new IllegalArgumentException(
                    "held pull caps must be >= 0, were " + maxHeldPerConnection + "/" + maxHeld);
        }
        this.timer = timer;
        this.maxHeldPerConnection = maxHeldPerConnection;
        this.maxHeld = maxHeld;
    }

    private static final class HeldPull {
        final Object connection;
        final String key;
        final long offset;
        final MessageFilter filter;
        final Runnable resume;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        HeldPull(Object connection, String key, long offset, MessageFilter filter, Runnable resume) {
            this.connection = connection;
            this.key = key;
            this.offset = offset;
            this.filter = filter;
            this.resume = resume;
        }
    }

    /**
     * Parks a pull for queue offset {@code offset}. {@code currentMaxOffset} is read by the caller after its
     * empty read; if a message arrived in between, the pull resumes at once rather than waiting.
     */
    public void hold(
            String topic,
            int queueId,
            long offset,
            MessageFilter filter,
            long timeoutMillis,
            Runnable resume,
            java.util.function.LongSupplier currentMaxOffset) {
        if (!tryHold(null, topic, queueId, offset, filter, timeoutMillis, resume, currentMaxOffset)) {
            resume.run();
        }
    }

    /**
     * Like {@link #hold}, counted against {@code connection} (any identity, the client's channel); false, with
     * nothing held and {@code resume} not run, when the connection or the broker already holds its cap.
     */
    public boolean tryHold(
            Object connection,
            String topic,
            int queueId,
            long offset,
            MessageFilter filter,
            long timeoutMillis,
            Runnable resume,
            java.util.function.LongSupplier currentMaxOffset) {
        String key = key(topic, queueId);
        HeldPull pull = new HeldPull(connection, key, offset, filter, resume);
        if (closed) {
            resume.run();
            return true;
        }
        if (!reserve(connection)) {
            return false;
        }
        held.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(pull);
        pull.timeout = timer.schedule(() -> fire(pull), Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        if (currentMaxOffset.getAsLong() > offset || closed) {
            fire(pull);
        }
        return true;
    }

    private boolean reserve(Object connection) {
        if (heldTotal.incrementAndGet() > maxHeld) {
            heldTotal.decrementAndGet();
            return false;
        }
        if (connection == null) {
            return true;
        }
        boolean[] counted = new boolean[1];
        // Counted inside compute, so a concurrent unreserve dropping the entry at zero cannot lose it.
        heldPerConnection.compute(connection, (c, n) -> {
            int current = n == null ? 0 : n;
            counted[0] = current < maxHeldPerConnection;
            return counted[0] ? Integer.valueOf(current + 1) : n;
        });
        if (!counted[0]) {
            heldTotal.decrementAndGet();
        }
        return counted[0];
    }

    private void unreserve(Object connection) {
        heldTotal.decrementAndGet();
        if (connection != null) {
            heldPerConnection.computeIfPresent(connection, (c, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Pulls {@code connection} has parked. */
    public int heldCount(Object connection) {
        return heldPerConnection.getOrDefault(connection, 0);
    }

    @Override
    public void onArrival(String topic, int queueId, long queueOffset, long tagsCode, long storeTimestamp) {
        Queue<HeldPull> waiting = held.get(key(topic, queueId));
        if (waiting == null || waiting.isEmpty()) {
            return;
        }
        for (HeldPull pull : waiting) {
            if (queueOffset >= pull.offset && pull.filter.matchesTagsCode(tagsCode)) {
                fire(pull);
            }
        }
    }

    /** Pulls currently parked, for metrics and tests. */
    public int heldCount() {
        return held.values().stream().mapToInt(Queue::size).sum();
    }

    /** Resumes every parked pull (they then answer with whatever is there) and refuses new ones. */
    public void close() {
        closed = true;
        held.values().forEach(queue -> queue.forEach(this::fire));
    }

    private void fire(HeldPull pull) {
        if (!pull.done.compareAndSet(false, true)) {
            return;
        }
        Queue<HeldPull> waiting = held.get(pull.key);
        if (waiting != null) {
            waiting.remove(pull);
        }
        ScheduledFuture<?> t = pull.timeout;
        if (t != null) {
            t.cancel(false);
        }
        unreserve(pull.connection);
        pull.resume.run();
    }

    private static String key(String topic, int queueId) {
        return topic + '@' + queueId;
    }
}
