package io.rocketkube.broker.timer;

import java.util.Arrays;

/**
 * The timers of one tick whose re-puts completed, by CommitLog offset, so that a tick tried again after a
 * refused re-put stores none of them twice. Offsets, not positions in the chain: timers enqueued while the
 * tick waits for its retry (a time already past lands on the tick being delivered) are linked at the chain's
 * head and would shift every position.
 *
 * <p>A growing {@code long[]} rather than a set of boxed offsets, since every re-put of every tick is noted;
 * an attempt sorts what earlier attempts noted and looks only there (a timer is visited once per attempt).
 * Not thread-safe: the timer thread's own.
 */
final class DoneInTick {
    private long tick = Long.MIN_VALUE;
    private long[] offsets = new long[64];
    private int size;
    /** Entries {@code [0, searchable)} are sorted: those of the earlier attempts. */
    private int searchable;

    /** Begins an attempt at {@code tick}: keeps what earlier attempts at the same tick noted, else forgets. */
    void startTick(long tick) {
        if (this.tick != tick) {
            this.tick = tick;
            size = 0;
        }
        Arrays.sort(offsets, 0, size);
        searchable = size;
    }

    /** Whether an earlier attempt at this tick completed the timer stored at {@code commitLogOffset}. */
    boolean contains(long commitLogOffset) {
        return searchable > 0 && Arrays.binarySearch(offsets, 0, searchable, commitLogOffset) >= 0;
    }

    void add(long commitLogOffset) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, size * 2);
        }
        offsets[size++] = commitLogOffset;
    }

    /** The tick is done: forget it, and give back a large array. */
    void clear() {
        tick = Long.MIN_VALUE;
        size = 0;
        searchable = 0;
        if (offsets.length > 4096) {
            offsets = new long[64];
        }
    }
}
