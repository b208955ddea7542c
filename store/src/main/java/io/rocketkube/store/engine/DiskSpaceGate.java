package io.rocketkube.store.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Measures how full the data directory's file system is, and closes the write gate above the configured
 * ratio, so appends stop with a clear status while there is still room for what the store must write
 * anyway (ConsumeQueue and index entries of accepted messages, checkpoints) and retention can work.
 *
 * <p>An append may not wait for a {@code statfs}: {@link #isFull()} uses the last measurement and
 * re-measures at most every {@link #REFRESH_NANOS} (one syscall per 100 ms, whoever notices it is due).
 * Retention calls {@link #measure()}, which is always fresh, because it frees space as it goes.
 *
 * <p>Thread-safe; concurrent refreshes are harmless (each stores a valid measurement).
 */
final class DiskSpaceGate {

    static final long REFRESH_NANOS = 100_000_000L;

    private final FileStore fileStore;
    private final double maxUsedRatio;
    private final LongSupplier nanoTime;
    private volatile long measuredAt;
    private volatile double usedRatio;

    /** @param maxUsedPercent 1..100; at 100 the gate never closes (only a really full disk refuses) */
    DiskSpaceGate(Path dir, int maxUsedPercent, LongSupplier nanoTime) {
        try {
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the file system of " + dir, e);
        }
        this.maxUsedRatio = maxUsedPercent / 100.0;
        this.nanoTime = nanoTime;
        measure();
    }

    /** Whether appends must be refused; cheap (a cached value, re-measured when stale). */
    boolean isFull() {
        if (nanoTime.getAsLong() - measuredAt >= REFRESH_NANOS) {
            measure();
        }
        return maxUsedRatio < 1.0 && usedRatio > maxUsedRatio;
    }

    /** The last measured used fraction 0..1. */
    double usedRatio() {
        return usedRatio;
    }

    /**
     * Measures now: the used fraction 0..1 (0 if the file system cannot be asked), as {@code df} reckons it:
     * used / (used + available to us). Blocks reserved for root, or withheld by the file system (a quota, an
     * overlay), are neither: with the total as denominator (the reference's used / total) a disk with 5 %
     * reserved never reaches 100 %, and one that withholds most of its size reads far fuller than it is.
     */
    double measure() {
        double r;
        try {
            long used = fileStore.getTotalSpace() - fileStore.getUnallocatedSpace();
            long room = used + fileStore.getUsableSpace();
            r = room <= 0 ? 0 : Math.max(0.0, Math.min(1.0, (double) used / room));
        } catch (IOException e) {
            r = 0;
        }
        usedRatio = r;
        measuredAt = nanoTime.getAsLong();
        return r;
    }

    /** A remark for refused appends, in the words RocketMQ's broker uses. */
    String refusal() {
        return String.format(
                "the broker's disk is full [%.1f%% used, limit %.0f%%], refusing new messages",
                usedRatio * 100, maxUsedRatio * 100);
    }
}
