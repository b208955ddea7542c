package io.rocketkube.store;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the store's own health, for the broker's liveness check and for operators.
 *
 * <p>Three kinds of finding, because they call for different answers:
 * <ul>
 *   <li>{@link #threads}: the store's background loops. A critical loop that died, or that has not
 *   completed an iteration for longer than the caller's threshold (a persistent failure stops its
 *   heartbeat too), means the store silently stopped doing its job: restart.</li>
 *   <li>{@link #fatal}: latched conditions the store cannot get out of by itself (a record the
 *   dispatcher cannot get past, a failed fsync): restart. Never cleared while the store is open.</li>
 *   <li>{@link #problems}: things an operator must look at but that do not stop serving (segments moved
 *   to quarantine by recovery). A restart would not help, so they do not affect liveness.</li>
 *   <li>{@link #diskFull}: the write gate ({@link StoreConfig#diskFullPercent()}) refuses appends.
 *   It clears by itself once space is freed, so it is not a liveness failure either.</li>
 * </ul>
 * More fatal reasons are added by latching them in {@code health.HealthState}; the record needs no change.
 *
 * @param open    false once the store is closed (nothing else is meaningful then)
 * @param threads one entry per background loop
 * @param fatal   latched fatal reasons, oldest first
 * @param problems operator-visible findings that do not affect liveness
 * @param diskFull      the disk-use write gate is closed
 * @param diskUsedRatio fraction 0..1 of the data directory's file system in use, as last measured
 */
public record StoreHealth(
        boolean open,
        List<ThreadHealth> threads,
        List<String> fatal,
        List<String> problems,
        boolean diskFull,
        double diskUsedRatio) {

    public StoreHealth {
        threads = List.copyOf(threads);
        fatal = List.copyOf(fatal);
        problems = List.copyOf(problems);
    }

    /**
     * One background loop.
     *
     * @param name              the thread's name
     * @param critical          whether the store cannot work without it (liveness looks only at these)
     * @param alive             its thread is running (true for loops without a thread of their own)
     * @param lastBeatMillis    store-clock time of the last iteration that completed without error
     * @param errors            iterations that failed since open
     * @param consecutiveErrors iterations that failed since the last one that succeeded
     * @param lastError         the last failure, null if none
     */
    public record ThreadHealth(
            String name,
            boolean critical,
            boolean alive,
            long lastBeatMillis,
            long errors,
            long consecutiveErrors,
            String lastError) {}

    /**
     * Why the store must not be considered live: closed, a fatal reason is latched, or a critical
     * loop is dead or has not beaten for more than {@code stuckAfterMillis}; empty when live.
     */
    public Optional<String> notLiveReason(long nowMillis, long stuckAfterMillis) {
        if (!open) {
            return Optional.of("store is closed");
        }
        if (!fatal.isEmpty()) {
            return Optional.of("store fatal: " + String.join("; ", fatal));
        }
        for (ThreadHealth t : threads) {
            if (!t.critical()) {
                continue;
            }
            if (!t.alive()) {
                return Optional.of("store thread " + t.name() + " is dead" + lastErrorOf(t));
            }
            long silent = nowMillis - t.lastBeatMillis();
            if (silent > stuckAfterMillis) {
                return Optional.of(
                        "store thread " + t.name() + " made no progress for " + silent + " ms" + lastErrorOf(t));
            }
        }
        return Optional.empty();
    }

    /** Whether appends are accepted now: open, nothing fatal latched, disk below the write gate. */
    public boolean writable() {
        return open && fatal.isEmpty() && !diskFull;
    }

    /** Whether nothing fatal is latched (a full disk or a stuck loop do not count here; see {@link #notLiveReason}). */
    public boolean live() {
        return fatal.isEmpty();
    }

    /** The latched fatal reasons joined, empty while none is latched. */
    public Optional<String> fatalReason() {
        return fatal.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", fatal));
    }

    /** Failed iterations of all loops since open. */
    public long errorCount() {
        return threads.stream().mapToLong(ThreadHealth::errors).sum();
    }

    private static String lastErrorOf(ThreadHealth t) {
        return t.lastError() == null
                ? ""
                : " (" + t.consecutiveErrors() + " consecutive errors, last: " + t.lastError() + ")";
    }
}
