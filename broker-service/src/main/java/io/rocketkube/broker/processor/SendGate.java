package io.rocketkube.broker.processor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission for sends, so shutdown can stop taking new ones and wait for those already accepted to be
 * answered before the store closes (nothing acknowledged may be lost, nothing accepted left hanging).
 *
 * <p>Thread-safe.
 */
public final class SendGate {
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean open = true;

    /** False once closed; otherwise the caller owns a slot until {@link #leave()}. */
    boolean enter() {
        inFlight.incrementAndGet();
        if (!open) {
            leave();
            return false;
        }
        return true;
    }

    void leave() {
        synchronized (this) {
            if (inFlight.decrementAndGet() == 0) {
                notifyAll();
            }
        }
    }

    public boolean isOpen() {
        return open;
    }

    /** Refuses new sends and waits up to {@code timeoutMillis} for the accepted ones; true if all finished. */
    public boolean closeAndDrain(long timeoutMillis) throws InterruptedException {
        open = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (this) {
            while (inFlight.get() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    public int inFlight() {
        return inFlight.get();
    }
}
