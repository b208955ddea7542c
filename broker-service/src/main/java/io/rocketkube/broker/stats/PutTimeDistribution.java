package io.rocketkube.broker.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * How long sends took, for three runtime keys: the thirteen buckets RocketMQ's {@code
 * putMessageDistributeTime} shows ({@code [<=0ms]:N [0~10ms]:N ... [10s~]:N}), the 99th and 99.9th
 * percentiles ({@code putLatency99}, {@code putLatency999}: milliseconds with two decimals, interpolated
 * within finer buckets of 1 ms up to 20 ms, then 2, 5, 10, 50, 100 and 1000 ms wide up to 10 s, as
 * RocketMQ's are), and the longest since start ({@code putMessageEntireTimeMax}). As in RocketMQ the
 * distribution and percentiles are of the last complete minute, not running totals: {@link #rollIfDue}
 * moves the counts being gathered into the shown ones once a minute has passed, so an operator reading
 * {@code mqadmin brokerStatus} sees how sends are doing now.
 *
 * <p>Thread-safe: {@link #record} is lock-free (two arrays and one accumulator); the roll swaps the arrays
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

    /** Upper bounds (inclusive) of the percentile buckets, in milliseconds; one more bucket holds the rest. */
    private static final long[] FINE_UPPER = fineBounds();

    private final LongAccumulator max = new LongAccumulator(Math::max, 0);
    private volatile Minute gathering = new Minute();
    private Minute shown = new Minute();
    private long gatheringSince;

    /** One minute's counts, in both bucket sets. */
    private static final class Minute {
        final AtomicLongArray coarse = new AtomicLongArray(LABELS.length);
        final AtomicLongArray fine = new AtomicLongArray(FINE_UPPER.length + 1);
    }

    PutTimeDistribution(long nowMillis) {
        this.gatheringSince = nowMillis;
    }

    void record(long millis) {
        Minute minute = gathering;
        minute.coarse.incrementAndGet(bucket(millis));
        minute.fine.incrementAndGet(fineBucket(millis));
        max.accumulate(millis);
    }

    /** Shows what was gathered once a minute has passed since gathering began. */
    synchronized void rollIfDue(long nowMillis) {
        if (nowMillis - gatheringSince < MINUTE_MILLIS) {
            return;
        }
        shown = gathering;
        gathering = new Minute();
        gatheringSince = nowMillis;
    }

    /** RocketMQ's rendering: {@code "[<=0ms]:3 [0~10ms]:1 ... [10s~]:0 "}, a space after each bucket. */
    synchronized String describe() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < LABELS.length; i++) {
            text.append(LABELS[i]).append(':').append(shown.coarse.get(i)).append(' ');
        }
        return text.toString();
    }

    /**
     * The time under which {@code fraction} of the last minute's sends completed, in ms: found in its fine
     * bucket and interpolated linearly within it by rank; 0 when the minute had no send.
     */
    synchronized double percentile(double fraction) {
        AtomicLongArray counts = shown.fine;
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        long rank = (long) (total * fraction);
        long below = 0;
        for (int i = 0; i < counts.length(); i++) {
            long count = counts.get(i);
            if (rank <= below + count) {
                long lower = i == 0 ? 0 : FINE_UPPER[i - 1];
                if (i == FINE_UPPER.length || count == 0) {
                    return lower; // the open bucket past 10 s has no width to interpolate in
                }
                return lower + (double) (FINE_UPPER[i] - lower) * (rank - below) / count;
            }
            below += count;
        }
        return 0;
    }

    long maxMillis() {
        return max.get();
    }

    private static long[] fineBounds() {
        long[][] widthsAndCounts = {{1, 20}, {2, 15}, {5, 10}, {10, 10}, {50, 6}, {100, 5}, {1_000, 9}};
        List<Long> bounds = new ArrayList<>();
        long bound = 0;
        for (long[] step : widthsAndCounts) {
            for (int i = 0; i < step[1]; i++) {
                bound += step[0];
                bounds.add(bound);
            }
        }
        return bounds.stream().mapToLong(Long::longValue).toArray();
    }

    private static int fineBucket(long millis) {
        int index = Arrays.binarySearch(FINE_UPPER, Math.max(millis, 0));
        return index >= 0 ? index : -index - 1;
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
