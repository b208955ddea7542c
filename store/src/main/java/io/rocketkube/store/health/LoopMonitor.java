package io.rocketkube.store.health;

import io.rocketkube.store.StoreHealth;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health record of one background loop: its thread, a heartbeat, and its failures.
 *
 * <p>The loop calls {@link #beat()} after every iteration that completed without error (an idle
 * iteration counts: the loop is turning) and {@link #failed} when an iteration threw. So a loop that is
 * blocked, or that fails on every iteration, stops beating, and {@link StoreHealth#notLiveReason} sees
 * it after the caller's threshold; short bursts of failures only show up in the counters.
 *
 * <p>Thread-safe: written by the loop's thread, read by anyone.
 */
public final class LoopMonitor {

    /** First retry delay after a failure; doubled per consecutive failure up to {@link #MAX_BACKOFF_MILLIS}. */
    static final long FIRST_BACKOFF_MILLIS = 10;
    /** A persistent failure retries once a second: slow enough not to spin or flood the log. */
    static final long MAX_BACKOFF_MILLIS = 1000;

    private final String name;
    private final boolean critical;
    private final Clock clock;
    private final AtomicLong errors = new AtomicLong();
    private volatile Thread thread;
    private volatile long lastBeatMillis;
    private volatile long consecutiveErrors;
    private volatile String lastError;

    public LoopMonitor(String name, boolean critical, Clock clock) {
        this.name = name;
        this.critical = critical;
        this.clock = clock;
        this.lastBeatMillis = clock.millis();
    }

    public String name() {
        return name;
    }

    /** The thread running the loop; a loop without one (scheduled tasks) counts as alive. */
    public void attach(Thread t) {
        thread = t;
        lastBeatMillis = clock.millis();
    }

    /** One iteration completed without error. */
    public void beat() {
        lastBeatMillis = clock.millis();
        if (consecutiveErrors != 0) {
            consecutiveErrors = 0;
        }
    }

    /**
     * One iteration threw.
     *
     * @return how long the loop should wait before retrying, in ms
     */
    public long failed(Throwable t) {
        errors.incrementAndGet();
        long n = ++consecutiveErrors;
        lastError = t.toString();
        return Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(n - 1, 10));
    }

    public long errors() {
        return errors.get();
    }

    public StoreHealth.ThreadHealth snapshot() {
        Thread t = thread;
        boolean alive = t == null || t.isAlive();
        return new StoreHealth.ThreadHealth(
                name, critical, alive, lastBeatMillis, errors.get(), consecutiveErrors, lastError);
    }
}
