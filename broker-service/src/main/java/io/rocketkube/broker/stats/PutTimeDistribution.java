package io.rocketkube.broker.stats;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * How long sends took, in the thirteen buckets RocketMQ's {@code putMessageDistributeTime} runtime key
 * shows ({@code [<=0ms]:N [0~10ms]:N ... [10s~]:N}), and the longest since start ({@code
 * putMessageEntireTimeMax}). As in RocketMQ the key shows the last complete minute, not a running total:
 * {@link #rollIfDue} moves the counts being gathered into the shown ones once a minute has passed, so an
 * operator reading {@code mqadmin brokerStatus} sees how sends are doing now.
 *
 * <p>Thread-safe: {@link #record} is lock-free (one array and one accumulator); the roll swaps the array
 * under this object's lock, and a record racing the swap lands in whichever minute it saw.
 */
final class PutTimeDistribution {
    static final long MINUTE_MILLIS = 60_000;

    /** Upper bounds (exclusive) of the buckets after the first, in milliseconds; the last bucket is open. */
    private static final long[] BELOW = {10, 50, 100, 200, 500, 1_000, 2_000, 3_000, 4_000, 5_000, 10_000};

    private static final String[] LABELS = {
        "[<=0ms]",
        "[0~10ms]",
        "[10~50ms]",
        "[50~100ms]",
        "[100~200ms]",
        "[200~500ms]",
        "[500ms~1s]",
        "[1~2s]",
        "[2~3s]",
        "[3~4s]",
        "[4~5s]",
        "[5~10s]",
        "[10s~]"
    };

    private final LongAccumulator max = new LongAccumulator(Math::max, 0);
    private volatile AtomicLongArray gathering = new AtomicLongArray(LABELS.length);
    private AtomicLongArray shown = new AtomicLongArray(LABELS.length);
    private long gatheringSince;

    PutTimeDistribution(long nowMillis) {
        this.gatheringSince = nowMillis;
    }

    void record(long millis) {
        gathering.incrementAndGet(bucket(millis));
        max.accumulate(millis);
    }

    /** Shows what was gathered once a minute has passed since gathering began. */
    synchronized void rollIfDue(long nowMillis) {
        if (nowMillis - gatheringSince < MINUTE_MILLIS) {
            return;
        }
        shown = gathering;
        gathering = new AtomicLongArray(LABELS.length);
        gatheringSince = nowMillis;
    }

    /** RocketMQ's rendering: {@code "[<=0ms]:3 [0~10ms]:1 ... [10s~]:0 "}, a space after each bucket. */
    synchronized String describe() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < LABELS.length; i++) {
            text.append(LABELS[i]).append(':').append(shown.get(i)).append(' ');
        }
        return text.toString();
    }

    long maxMillis() {
        return max.get();
    }

    private static int bucket(long millis) {
        if (millis <= 0) {
            return 0;
        }
        for (int i = 0; i < BELOW.length; i++) {
            if (millis < BELOW[i]) {
                return i + 1;
            }
        }
        return LABELS.length - 1;
    }
}
