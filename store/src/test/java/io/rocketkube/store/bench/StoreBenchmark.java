package io.rocketkube.store.bench;

import static io.rocketkube.client.util.testing.TestFiles.deleteTree;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import io.rocketkube.store.recovery.Recovery;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The store benchmark (not a CI test): fio baselines, the write-path comparison, ASYNC_FLUSH append,
 * SYNC_FLUSH group commit at 1/4/16/64 writer threads and as many appends in flight from 2 threads
 * ({@link SyncInFlightBench}), sequential consume, recovery of a 1 GiB CommitLog
 * after kill -9, and device write amplification. Prints a Markdown table. See store/README.md for the
 * command. Arguments: {@code <scratch dir> [async message count]}, or {@code sync <scratch dir>
 * [writers,...]} for the SYNC_FLUSH rows alone. Everything it writes under the
 * scratch dir is deleted at the end.
 */
public final class StoreBenchmark {

    private static final int BODY = 1024;
    static final int QUEUES = 8;
    private static final String TOPIC = "BenchTopic";
    private static final long RECOVERY_BYTES = 1L << 30;
    /** Stands in for the producer's ip/pid/classloader part of a UNIQ_KEY (docs/protocol.md §4.4). */
    private static final String UNIQ_PREFIX = "7F0000010F2A1B2C3D4E";

    private final Path root;
    private final DiskStats disk;
    private final List<String> rows = new ArrayList<>();
    private static final long DEFAULT_PREFAULT =
            StoreConfig.builder(Path.of(".")).build().prefaultLeadBytes();
    private int asyncThreads = 2;
    private boolean warmingUp;

    private StoreBenchmark(Path root) throws IOException {
        this.root = root;
        this.disk = DiskStats.forPath(root);
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("fill")) {
            fillAndWait(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        if (args.length >= 1 && args[0].equals("writepath")) {
            Path d = Files.createDirectories(Path.of(args[1]));
            StoreBenchmark b = new StoreBenchmark(d);
            try {
                b.writePaths();
            } finally {
                deleteTree(d);
            }
            return;
        }
        if (args.length >= 1 && args[0].equals("sync")) {
            Path d = Files.createDirectories(Path.of(args[1]));
            StoreBenchmark b = new StoreBenchmark(d);
            try {
                int[] counts = args.length >= 3
                        ? java.util.Arrays.stream(args[2].split(","))
                                .mapToInt(Integer::parseInt)
                                .toArray()
                        : new int[] {1, 4, 16, 64};
                for (int writers : counts) {
                    b.syncRows(writers);
                }
            } finally {
                deleteTree(d);
            }
            return;
        }
        if (args.length >= 1 && args[0].equals("append")) {
            Path d = Path.of(args[1]);
            StoreBenchmark b = new StoreBenchmark(Files.createDirectories(d));
            b.asyncThreads = Integer.parseInt(args[3]);
            try {
                b.warmUp(d.resolve("warm-up"));
                long n = Long.parseLong(args[2]);
                // Alternated, because each run leaves freed page-cache memory that is cheaper for the next.
                for (int round = 0; round < 2; round++) {
                    b.asyncAppend(d.resolve("async-noprefault"), n, 0);
                    deleteTree(d.resolve("async-noprefault"));
                    deleteTree(d.resolve("async"));
                    b.asyncAppend(d.resolve("async"), n, DEFAULT_PREFAULT);
                }
                b.sequentialConsume(d.resolve("async"));
            } finally {
                deleteTree(d);
            }
            return;
        }
        if (args.length < 1) {
            System.err.println("usage: StoreBenchmark <scratch dir> [async message count]");
            System.exit(2);
        }
        Path root = Path.of(args[0]);
        Files.createDirectories(root);
        long count = args.length > 1 ? Long.parseLong(args[1]) : 900_000;
        FileStore fs = Files.getFileStore(root);
        if (fs.getUsableSpace() < (5L << 30)) {
            throw new IOException("need 5 GiB free under " + root + ", have " + fs.getUsableSpace());
        }
        StoreBenchmark b = new StoreBenchmark(root);
        try {
            b.runAll(count);
        } finally {
            deleteTree(root);
        }
        System.out.println();
        System.out.println("| measurement | result |");
        System.out.println("|---|---|");
        b.rows.forEach(System.out::println);
    }

    private void row(String what, String result) {
        if (warmingUp) {
            return;
        }
        String r = "| " + what + " | " + result + " |";
        rows.add(r);
        System.out.println(r);
    }

    private void runAll(long count) throws Exception {
        row("device", disk.device() + " (backing " + root + "); figures include other users of the disk");
        Fio.Result seq1m = Fio.run(root, "seq-1m", "--bs=1m", "--size=1g", "--end_fsync=1");
        row("fio sequential write, 1 MiB blocks, buffered + end fsync", String.format("%.0f MB/s", seq1m.mbPerSec()));
        Fio.Result seq4k = Fio.run(root, "seq-4k", "--bs=4k", "--size=256m", "--end_fsync=1");
        row("fio sequential write, 4 KiB blocks, buffered + end fsync", String.format("%.0f MB/s", seq4k.mbPerSec()));
        Fio.Result sync4k = Fio.run(root, "fdatasync-4k", "--bs=4k", "--size=16m", "--fdatasync=1");
        row(
                "fio 4 KiB write + fdatasync each",
                String.format("%.0f writes/s (%.1f MB/s)", sync4k.iops(), sync4k.mbPerSec()));

        writePaths();
        warmUp(root.resolve("warm-up"));
        Path async = root.resolve("async");
        // Prefault first: a run is cheaper on the page-cache memory the one before it freed, so this
        // order, if anything, favours the run without it.
        double asyncRate = asyncAppend(async, count, DEFAULT_PREFAULT);
        asyncAppend(root.resolve("async-noprefault"), count, 0);
        deleteTree(root.resolve("async-noprefault"));
        sequentialConsume(async);
        deleteTree(async);
        syncAndRecovery(asyncRate);
    }

    private void writePaths() throws IOException {
        for (WritePathBench.Mode mode : WritePathBench.Mode.values()) {
            boolean nosync = mode == WritePathBench.Mode.MMAP_NOSYNC || mode == WritePathBench.Mode.PWRITE_NOSYNC;
            for (boolean pretouch : new boolean[] {false, true}) {
                if (nosync && pretouch) {
                    continue;
                }
                String name = mode.name().toLowerCase() + (pretouch ? "-pretouched" : "-fresh");
                WritePathBench.Result r = WritePathBench.run(root, disk, name, mode, pretouch, nosync ? 60_000 : 3000);
                row(
                        "write path " + name + ": 1 KiB appends"
                                + (nosync ? ", one force at the end" : ", force after each"),
                        String.format(
                                "%.0f appends/s, device wrote %.1fx the appended bytes",
                                r.perSec(), r.amplification()));
            }
        }
    }

    private void syncAndRecovery(double asyncRate) throws Exception {
        for (int writers : new int[] {1, 4, 16, 64}) {
            double[] rates = syncRows(writers);
            if (writers == 64) {
                row(
                        "SYNC_FLUSH 64 writers / ASYNC_FLUSH rate",
                        String.format(
                                "%.0f%% (threads), %.0f%% (in flight)",
                                100 * rates[0] / asyncRate, 100 * rates[1] / asyncRate));
            }
        }

        recovery(root.resolve("recovery"));
        deleteTree(root.resolve("recovery"));
    }

    static StoreConfig config(Path dir, FlushMode mode) {
        return StoreConfig.builder(dir)
                .flushMode(mode)
                .storeHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 10911))
                .build();
    }

    static MessageRecordRequest message(int queue, long n, ByteBuffer body) {
        String uniq = UNIQ_PREFIX + Long.toHexString(n).toUpperCase();
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperties.TAGS, "TagA");
        props.put(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniq);
        return MessageRecordRequest.builder(TOPIC, queue, body)
                .bornHost(new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000))
                .bornTimestamp(System.currentTimeMillis())
                .properties(PropertiesCodec.encode(props))
                .tagsCode("TagA".hashCode())
                .uniqKey(uniq)
                .build();
    }

    static ByteBuffer body() {
        ByteBuffer b = ByteBuffer.allocate(BODY);
        for (int i = 0; i < BODY; i++) {
            b.put(i, (byte) ('a' + i % 26));
        }
        return b;
    }

    /**
     * Appends untimed into a throw-away store, so the timed runs measure compiled code rather than the
     * JIT (C2 compilation was a fifth of a 6 s run's CPU).
     */
    private void warmUp(Path dir) throws Exception {
        warmingUp = true;
        try {
            asyncAppend(dir, 300_000, DEFAULT_PREFAULT);
        } finally {
            warmingUp = false;
            deleteTree(dir);
        }
    }

    private double asyncAppend(Path dir, long count, long prefaultLead) throws Exception {
        int threads = asyncThreads;
        AtomicLong recordBytes = new AtomicLong();
        ByteBuffer body = body();
        long before = disk.bytesWritten();
        long t0 = System.nanoTime();
        double appendSecs;
        StoreConfig config = config(dir, FlushMode.ASYNC_FLUSH).toBuilder()
                .prefaultLeadBytes(prefaultLead)
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(config).start()) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    long bytes = 0;
                    for (long n = id; n < count; n += threads) {
                        PutResult r =
                                store.put(message((int) (n % QUEUES), n, body)).join();
                        if (r.status() != PutStatus.PUT_OK) {
                            throw new IllegalStateException(r.toString());
                        }
                        bytes += r.wroteBytes();
                    }
                    recordBytes.addAndGet(bytes);
                });
                th.start();
                ts.add(th);
            }
            for (Thread th : ts) {
                th.join();
            }
            appendSecs = (System.nanoTime() - t0) / 1e9;
            store.flush();
        }
        double totalSecs = (System.nanoTime() - t0) / 1e9;
        long written = disk.bytesWritten() - before;
        double rate = count / appendSecs;
        String prefault = prefaultLead == 0 ? "no prefault" : "prefault " + (prefaultLead >> 20) + " MiB ahead";
        row(
                "ASYNC_FLUSH append, 1 KiB body, " + threads + " threads, " + count + " msgs, " + prefault,
                String.format(
                        "%.0f msg/s, %.0f MB/s of records (%.1f s; %.1f s incl. final flush and close)",
                        rate, recordBytes.get() / appendSecs / 1e6, appendSecs, totalSecs));
        row(
                "ASYNC_FLUSH device write amplification, " + prefault,
                String.format(
                        "%.2fx (device %d MB / records %d MB, incl. ConsumeQueue + index)",
                        (double) written / recordBytes.get(), written / 1_000_000, recordBytes.get() / 1_000_000));
        return rate;
    }

    private void sequentialConsume(Path dir) {
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
        long msgs = 0;
        long bytes = 0;
        long t0;
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(dir, FlushMode.ASYNC_FLUSH)).start()) {
            t0 = System.nanoTime();
            for (int q = 0; q < QUEUES; q++) {
                long o = store.minOffset(TOPIC, q);
                long max = store.maxOffset(TOPIC, q);
                while (o < max) {
                    try (GetResult g = store.get(TOPIC, q, o, 32, 256 * 1024, MessageFilter.ALL)) {
                        sink.clear();
                        for (MessageSlice s : g.messages()) {
                            sink.put(s.view());
                        }
                        msgs += g.messageCount();
                        bytes += g.totalBytes();
                        o = g.nextBeginOffset();
                    }
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        row(
                "sequential consume (ConsumeQueue + CommitLog, 32 msgs per get, copied out)",
                String.format(
                        "%.0f msg/s, %.0f MB/s (%d msgs, page cache warm)", msgs / secs, bytes / secs / 1e6, msgs));
    }

    private double syncAppend(Path dir, int writers, int seconds) throws Exception {
        ByteBuffer body = body();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong acks = new AtomicLong();
        AtomicLong recordBytes = new AtomicLong();
        AtomicLong latencyNanos = new AtomicLong();
        long before;
        double secs;
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(dir, FlushMode.SYNC_FLUSH)).start()) {
            store.put(message(0, 0, body)).join();
            before = disk.bytesWritten();
            List<Thread> ts = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                final int id = w;
                Thread th = new Thread(() -> {
                    long n = id;
                    while (!stop.get()) {
                        long s = System.nanoTime();
                        CompletableFuture<PutResult> f = store.put(message(id % QUEUES, n, body));
                        PutResult r = f.join();
                        if (r.status() != PutStatus.PUT_OK) {
                            throw new IllegalStateException(r.toString());
                        }
                        latencyNanos.addAndGet(System.nanoTime() - s);
                        acks.incrementAndGet();
                        recordBytes.addAndGet(r.wroteBytes());
                        n += writers;
                    }
                });
                th.start();
                ts.add(th);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(deadline - System.nanoTime());
            }
            stop.set(true);
            for (Thread th : ts) {
                th.join();
            }
            secs = (System.nanoTime() - t0) / 1e9;
        }
        long written = disk.bytesWritten() - before;
        double rate = acks.get() / secs;
        row(
                "SYNC_FLUSH group commit, " + writers + " writers",
                String.format(
                        "%.0f msg/s, avg latency %.2f ms, device wrote %.2fx the record bytes",
                        rate,
                        latencyNanos.get() / 1e6 / Math.max(1, acks.get()),
                        (double) written / Math.max(1, recordBytes.get())));
        return rate;
    }

    /** The two SYNC_FLUSH rows for one writer count, each in a fresh store; returns {threads, in flight} msg/s. */
    private double[] syncRows(int writers) throws Exception {
        Path threads = root.resolve("sync-" + writers);
        double threadRate = syncAppend(threads, writers, 5);
        deleteTree(threads);
        Path inFlight = root.resolve("sync-inflight-" + writers);
        double inFlightRate = syncInFlight(inFlight, writers);
        deleteTree(inFlight);
        return new double[] {threadRate, inFlightRate};
    }

    private double syncInFlight(Path dir, int inFlight) throws Exception {
        SyncInFlightBench.Result r = SyncInFlightBench.run(dir, disk, inFlight, 2, 5);
        row(
                "SYNC_FLUSH group commit, " + inFlight + " appends in flight from 2 threads",
                String.format(
                        "%.0f msg/s, avg latency %.2f ms, device wrote %.2fx the record bytes",
                        r.perSec(), r.avgLatencyMillis(), r.amplification()));
        return r.perSec();
    }

    private void recovery(Path dir) throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StoreBenchmark.class.getName(),
                        "fill",
                        dir.toString(),
                        Long.toString(RECOVERY_BYTES))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String line = new String(child.getInputStream().readNBytes(5));
        if (!line.equals("FILLD")) {
            child.destroyForcibly();
            throw new IllegalStateException("fill child said " + line);
        }
        // The writer is still appending when it is killed.
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
        child.destroyForcibly();
        child.waitFor();

        long t0 = System.nanoTime();
        Recovery.Outcome o;
        long end;
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(dir, FlushMode.ASYNC_FLUSH)).start()) {
            o = store.recoveryOutcome();
            end = store.maxPhysicalOffset();
        }
        double open = (System.nanoTime() - t0) / 1e9;
        row(
                "recovery after kill -9 of a writer, " + (end >> 20) + " MiB CommitLog (from checkpoint)",
                String.format(
                        "%.2f s to open (recovery %d ms, scanned %d MB, %d records)",
                        open, o.millis(), o.scannedBytes() / 1_000_000, o.records()));

        Files.delete(dir.resolve("checkpoint"));
        Files.createFile(dir.resolve("abort"));
        t0 = System.nanoTime();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(dir, FlushMode.ASYNC_FLUSH)).start()) {
            o = store.recoveryOutcome();
        }
        open = (System.nanoTime() - t0) / 1e9;
        row(
                "recovery after a crash with no checkpoint: full scan + rebuild of every ConsumeQueue and index entry",
                String.format(
                        "%.2f s to open (recovery %d ms, scanned %d MB, %d records; page cache warm)",
                        open, o.millis(), o.scannedBytes() / 1_000_000, o.records()));
    }

    /** Child: appends until {@code bytes} are stored, says FILLD, keeps appending until killed. */
    private static void fillAndWait(Path dir, long bytes) {
        ByteBuffer body = body();
        try (DefaultMessageStore store =
                DefaultMessageStore.open(config(dir, FlushMode.ASYNC_FLUSH)).start()) {
            long n = 0;
            boolean told = false;
            while (true) {
                store.put(message((int) (n % QUEUES), n, body)).join();
                n++;
                if (!told && store.maxPhysicalOffset() >= bytes) {
                    System.out.print("FILLD");
                    System.out.flush();
                    told = true;
                }
            }
        }
    }
}
