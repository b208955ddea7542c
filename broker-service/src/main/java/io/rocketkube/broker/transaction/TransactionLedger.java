package io.rocketkube.broker.transaction;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which transaction chains ({@link HalfMessage}) are settled, in memory. It is rebuilt at start from the op
 * queue ({@link OpLog}), which is its durable form: every settlement is written there before it is reported.
 *
 * <p><b>Claims.</b> A chain is settled by exactly one writer: END_TRANSACTION (commit or rollback) or the check
 * service (discard) first {@link #claim}s its origin, writes, then {@link #settle}s or {@link #release}s it. A
 * second END_TRANSACTION for the same chain, however it names it, finds the claim and is refused, so a commit is
 * written once.
 *
 * <p><b>Bounded memory.</b> Outcomes are forgotten below a <em>floor</em>: the check scan's progress, lowered to
 * the oldest origin that still has a live copy above it. Every chain whose origin is below the floor has been
 * passed by the scan without a live copy, so it is settled or discarded; a claim below it is refused as such.
 *
 * <p>Thread-safe: claims and the floor move under this object's lock (a claim must not race the pruning of the
 * outcome it checks); lookups are lock-free.
 */
final class TransactionLedger {
    /** How a chain ended, or that it is being settled right now. */
    enum Outcome {
        PENDING("being settled"),
        COMMITTED("committed"),
        ROLLED_BACK("rolled back"),
        DISCARDED("discarded after too many checks"),
        SETTLED("settled"),
        FORGOTTEN("settled or discarded long ago");

        private final String words;

        Outcome(String words) {
            this.words = words;
        }

        String words() {
            return words;
        }
    }

    private final Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    /** Origin → queue offset of its latest copy, for chains re-appended by a check and not settled. */
    private final ConcurrentSkipListMap<Long, Long> liveCopies = new ConcurrentSkipListMap<>();

    private volatile long floor;

    /** Claims a chain for settling: null if claimed, else how it already ended (nothing to do then). */
    synchronized Outcome claim(long origin) {
        if (origin < floor) {
            return Outcome.FORGOTTEN;
        }
        return outcomes.putIfAbsent(origin, Outcome.PENDING);
    }

    /** Records the end of a claimed chain (or, at start, one read from the op queue). */
    void settle(long origin, Outcome outcome) {
        outcomes.put(origin, outcome);
        liveCopies.remove(origin);
    }

    /** Gives a claim back after its write failed: the chain is open again. */
    void release(long origin) {
        outcomes.remove(origin, Outcome.PENDING);
    }

    /** Whether the chain is neither settled nor being settled. */
    boolean isOpen(long origin) {
        return origin >= floor && !outcomes.containsKey(origin);
    }

    /** Whether the chain is being settled right now (its outcome is not known yet). */
    boolean isPending(long origin) {
        return outcomes.get(origin) == Outcome.PENDING;
    }

    /** The check service re-appended a chain at {@code copyOffset}. */
    void copied(long origin, long copyOffset) {
        liveCopies.put(origin, copyOffset);
        if (outcomes.containsKey(origin)) {
            // Settled while the copy was being written: the copy is dead, it must not hold the floor down.
            liveCopies.remove(origin);
        }
    }

    /** Moves the floor to the check progress (or the oldest live chain below it) and forgets what lies under it. */
    synchronized void advanceFloor(long progress) {
        long lowest = progress;
        Map.Entry<Long, Long> oldest = liveCopies.firstEntry();
        if (oldest != null) {
            lowest = Math.min(lowest, oldest.getKey());
        }
        if (lowest > floor) {
            floor = lowest;
            long bound = lowest;
            outcomes.entrySet().removeIf(e -> e.getKey() < bound && e.getValue() != Outcome.PENDING);
        }
    }

    long floor() {
        return floor;
    }

    /** Outcomes remembered (settled chains at or above the floor). */
    int remembered() {
        return outcomes.size();
    }

    /** Chains with a live copy. */
    int liveCopies() {
        return liveCopies.size();
    }
}
