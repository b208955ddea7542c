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

/**
 * Long polling: pulls that found nothing wait here until a matching message reaches their queue or their
 * suspend timeout passes, then resume exactly once. Arrival comes from the store's dispatcher
 * ({@link #onArrival}); each held pull also has its own timer, so nothing scans periodically.
 *
 * <p>Thread-safe. {@code resume} actions must be cheap hand-offs (they run on the dispatcher or timer thread).
 */
public final class PullRequestHoldService implements MessageArrivalListener {
    private final Map<String, Queue<HeldPull>> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    public PullRequestHoldService(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    private static final class HeldPull {
        final String key;
        final long offset;
        final MessageFilter filter;
        final Runnable resume;
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        HeldPull(String key, long offset, MessageFilter filter, Runnable resume) {
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
    public void hold(String topic, int queueId, long offset, MessageFilter filter, long timeoutMillis,
                     Runnable resume, java.util.function.LongSupplier currentMaxOffset) {
        String key = key(topic, queueId);
        HeldPull pull = new HeldPull(key, offset, filter, resume);
        if (closed) {
            resume.run();
            return;
        }
        held.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(pull);
        pull.timeout = timer.schedule(() -> fire(pull), Math.max(0, timeoutMillis), TimeUnit.MILLISECONDS);
        if (currentMaxOffset.getAsLong() > offset || closed) {
            fire(pull);
        }
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
        pull.resume.run();
    }

    private static String key(String topic, int queueId) {
        return topic + '@' + queueId;
    }
}
