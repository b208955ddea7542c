package io.rocketkube.store.health;

import io.rocketkube.client.util.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background loop on its own daemon thread: the shape of the store's dispatcher, flush service and
 * prefaulter. This base owns the thread: start, an idle park that {@link #wakeUp} cuts short, stop and
 * join. Subclasses write the loop: they catch what one iteration throws, report it with
 * {@link LoopMonitor#failed} and back off, and {@link LoopMonitor#beat} after every iteration.
 *
 * <p>A thread that cannot die silently: whatever still escapes the loop (a bug in its own error
 * handling) is logged and counted in the loop's monitor, whose snapshot then reports the thread dead,
 * so a critical loop makes the store not live ({@link io.rocketkube.store.StoreHealth}) instead of
 * leaving appends or consumers waiting with nobody noticing.
 */
public abstract class ServiceThread {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceThread.class);

    private volatile boolean running;
    private volatile boolean parked;
    private volatile Thread thread;

    /** The loop; returns when {@link #running()} turns false (or, like the dispatcher, once drained). */
    protected abstract void loop();

    /** Where the loop's heartbeat and failures go; read when the thread starts and when it fails. */
    protected abstract LoopMonitor monitor();

    /** Starts the loop on a new daemon thread named {@code name}. */
    protected final synchronized void startThread(String name) {
        running = true;
        Thread t = DaemonThreads.newThread(name, this::runLoop);
        thread = t;
        monitor().attach(t);
        t.start();
    }

    private void runLoop() {
        try {
            loop();
        } catch (Throwable e) {
            monitor().failed(e);
            LOG.error("{} ended by an uncaught failure", Thread.currentThread().getName(), e);
        }
    }

    /** False once a stop was asked for. */
    protected final boolean running() {
        return running;
    }

    /**
     * Parks the loop for up to {@code nanos} unless {@code ready} already holds; {@link #wakeUp} ends the
     * park early. {@code ready} is checked after the loop says it is parking, so a wake-up between the
     * caller's last look and the park is never lost.
     */
    protected final void parkUnless(BooleanSupplier ready, long nanos) {
        parked = true;
        try {
            if (!ready.getAsBoolean()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            parked = false;
        }
    }

    /** Ends an idle park now; a no-op (no futex wake) while the loop is busy. Any thread. */
    public final void wakeUp() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Asks the loop to end and wakes it; does not wait. Any thread. */
    protected final void requestStop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * {@link #requestStop}, then waits up to {@code timeout} for the thread to end.
     *
     * @return true if it ended, or never started
     */
    protected final boolean stopAndJoin(Duration timeout) {
        requestStop();
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }
}
