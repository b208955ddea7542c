package io.rocketkube.e2e.bench;

import java.util.Arrays;

/**
 * Every latency of one load phase, in nanoseconds; exact percentiles by sorting at the end. One
 * instance per thread while recording (not thread-safe), merged afterwards. At 10k sends/s for
 * 15 s that is 150k longs, about 1.2 MB: small enough to keep them all.
 */
final class Latencies {

    private long[] values = new long[1 << 14];
    private int size;

    void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int count() {
        return size;
    }

    static Latencies merge(Iterable<Latencies> parts) {
        Latencies all = new Latencies();
        for (Latencies part : parts) {
            for (int i = 0; i < part.size; i++) {
                all.record(part.values[i]);
            }
        }
        Arrays.sort(all.values, 0, all.size);
        return all;
    }

    /** Mean in milliseconds. */
    double meanMillis() {
        if (size == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += values[i];
        }
        return sum / size / 1e6;
    }

    /** Nearest-rank percentile (0 < p ≤ 100) in milliseconds; requires {@link #merge}d (sorted) data. */
    double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * size);
        return values[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }
}
