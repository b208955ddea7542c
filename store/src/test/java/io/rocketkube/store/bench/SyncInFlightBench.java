package io.rocketkube.store.bench;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SYNC_FLUSH group commit shaped the way the broker drives it: a fixed number of appends in flight,
 * issued by a couple of threads (the broker's I/O threads), each next append issued from the previous
 * one's completion rather than by a thread parked on it. The thread-per-writer rows of
 * {@link StoreBenchmark} park and wake one thread per message, which on two vCPUs costs more than the
 * flush; this row shows what the store's group commit gives a caller that does not block.
 */
final class SyncInFlightBench {

    record Result(double perSec, double avgLatencyMillis, double amplification) {}

    private SyncInFlightBench() {}

    static Result run(Path dir, DiskStats disk, int inFlight, int issuerThreads, int seconds) throws Exception {
        ByteBuffer body = StoreBenchmark.body();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acks = new AtomicLong();
        AtomicLong recordBytes = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        CountDownLatch stopped = new CountDownLatch(inFlight);
        AtomicReference<String> failure = new AtomicReference<>();
        ExecutorService issuers = Executors.newFixedThreadPool(issuerThreads);
        long before;
        double secs;
        try (DefaultMessageStore store = DefaultMessageStore.open(StoreBenchmark.config(dir, FlushMode.SYNC_FLUSH))
                .start()) {
            store.put(StoreBenchmark.message(0, 0, body)).join();
            before = disk.bytesWritten();
            long t0 = System.nanoTime();
            for (int slot = 0; slot < inFlight; slot++) {
                issuers.execute(new Runnable() {
                    @Override
                    public void run() {
                        long n = sequence.incrementAndGet();
                        long started = System.nanoTime();
                        store.put(StoreBenchmark.message((int) (n % StoreBenchmark.QUEUES), n, body))
                                .whenComplete((r, e) -> {
                                    if (e != null || r.status() != PutStatus.PUT_OK) {
                                        failure.compareAndSet(null, e != null ? e.toString() : r.toString());
                                    } else {
                                        latencyNanos.addAndGet(System.nanoTime() - started);
                                        acks.incrementAndGet();
                                        recordBytes.addAndGet(r.wroteBytes());
                                    }
                                    if (stop.get() || failure.get() != null) {
                                        stopped.countDown();
                                    } else {
                                        issuers.execute(this);
                                    }
                                });
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline && failure.get() == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
            }
            stop.set(true);
            stopped.await();
            secs = (System.nanoTime() - t0) / 1e9;
        } finally {
            issuers.shutdown();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a SYNC_FLUSH put failed: " + failure.get());
        }
        long written = disk.bytesWritten() - before;
        return new Result(
                acks.get() / secs,
                latencyNanos.get() / 1e6 / Math.max(1, acks.get()),
                (double) written / Math.max(1, recordBytes.get()));
    }
}
