package io.rocketkube.broker;

import io.rocketkube.broker.stats.QueueSnapshot;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool with a bounded queue whose tasks carry the time they were queued, so that the runtime info
 * can say how long the oldest one has waited (the reference's "head wait"): a growing head wait shows a
 * saturated family before its queue is full and clients get SYSTEM_BUSY.
 *
 * <p>Thread-safe, like any executor; {@link #snapshot()} reads the queue's head without locking it.
 */
final class RequestPool extends ThreadPoolExecutor {
    private final Clock clock;
    private final int capacity;

    RequestPool(int threads, int capacity, Clock clock, ThreadFactory factory) {
        super(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(capacity), factory);
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public void execute(Runnable task) {
        super.execute(new Queued(task, clock.millis()));
    }

    QueueSnapshot snapshot() {
        Runnable head = getQueue().peek();
        long wait = head instanceof Queued queued ? Math.max(0, clock.millis() - queued.enqueuedMillis()) : 0;
        return new QueueSnapshot(getQueue().size(), capacity, wait);
    }

    /** A task and when it was handed to the pool. */
    private record Queued(Runnable task, long enqueuedMillis) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
