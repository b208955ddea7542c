package io.rocketkube.broker.ha;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.rocketkube.client.util.DaemonThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * SYNC_MASTER sends waiting for a slave: each waits for the acknowledged offset to reach the end of its message.
 * Waiters are kept ordered by that offset, so an ack completes exactly the prefix it covers (no scan of the
 * others); each has its own timeout on a wheel timer (one tick thread, O(1) per waiter), which completes it with
 * {@code false}. Nothing blocks: futures complete on the ack path (the HA connection's event loop) or the timer
 * thread, and the caller composes the answer onto them.
 *
 * <p>Thread-safe.
 */
public final class GroupTransferWaiters implements AutoCloseable {

    private record Waiter(long offset, long seq, CompletableFuture<Boolean> done) {}

    private final LongSupplier acked;
    private final HashedWheelTimer timer;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(
            (a, b) -> a.offset != b.offset ? Long.compare(a.offset, b.offset) : Long.compare(a.seq, b.seq));
    private long seq;

    public GroupTransferWaiters(LongSupplier acked) {
        this.acked = acked;
        this.timer = new HashedWheelTimer(DaemonThreads.named("ha-sync-timeouts"), 10, TimeUnit.MILLISECONDS);
    }

    /** Completes with true once the acknowledged offset reaches {@code offset}, with false after {@code timeout}. */
    public CompletableFuture<Boolean> await(long offset, Duration timeout) {
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        Waiter w;
        lock.lock();
        try {
            if (acked.getAsLong() >= offset) {
                return CompletableFuture.completedFuture(true);
            }
            w = new Waiter(offset, seq++, done);
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        Timeout t = timer.newTimeout(x -> expire(w), timeout.toMillis(), TimeUnit.MILLISECONDS);
        done.whenComplete((ok, e) -> t.cancel());
        // An ack that arrived between the check and the add completes it now.
        acked(acked.getAsLong());
        return done;
    }

    /** The acknowledged offset rose to {@code offset}. */
    public void acked(long offset) {
        List<Waiter> ready = new ArrayList<>();
        lock.lock();
        try {
            while (!waiters.isEmpty() && waiters.peek().offset <= offset) {
                ready.add(waiters.poll());
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : ready) {
            w.done.complete(true);
        }
    }

    private void expire(Waiter w) {
        lock.lock();
        try {
            waiters.remove(w);
        } finally {
            lock.unlock();
        }
        w.done.complete(false);
    }

    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        timer.stop().forEach(t -> {
            try {
                t.task().run(t);
            } catch (Exception e) {
                // completing a future cannot fail
            }
        });
    }
}
