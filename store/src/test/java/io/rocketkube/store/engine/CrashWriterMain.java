package io.rocketkube.store.engine;

import io.rocketkube.store.FlushMode;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.TestMessages;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The child JVM of {@link CrashRecoveryTest}: appends with SYNC_FLUSH from several threads, one queue
 * per thread, and prints {@code ACK <queue> <n> <queueOffset>} for every acknowledged message, until it
 * is killed. Message n of queue q has body {@link #expectedBody(int, long)}, and n continues from the
 * queue's max offset at start, so after any crash the record at queue offset k must carry n == k.
 */
public final class CrashWriterMain {

    static final String TOPIC = "CRASH";

    private CrashWriterMain() {}

    static StoreConfig config(Path dir) {
        return TestMessages.smallConfig(dir)
                .commitLogSegmentSize(256 * 1024)
                .indexMaxEntries(2000)
                .flushMode(FlushMode.SYNC_FLUSH)
                .syncFlushTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Deterministic, variable-length body so torn records cannot pass for valid ones by chance. */
    static String expectedBody(int queue, long n) {
        int pad = (int) ((n * 7919 + queue * 31) % 900);
        StringBuilder sb =
                new StringBuilder("q").append(queue).append("-n").append(n).append('-');
        for (int i = 0; i < pad; i++) {
            sb.append((char) ('a' + (i + n) % 26));
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        DefaultMessageStore store = DefaultMessageStore.open(config(dir)).start();
        out.println("READY " + store.recoveryOutcome().end());
        Thread[] ts = new Thread[threads];
        for (int q = 0; q < threads; q++) {
            final int queue = q;
            ts[q] = new Thread(
                    () -> {
                        long n = store.maxOffset(TOPIC, queue);
                        while (true) {
                            String key = "K" + queue + "-" + n;
                            MessageRecordRequest r = TestMessages.message(
                                    TOPIC, queue, expectedBody(queue, n), "tag" + (n % 3), key, "U" + key);
                            CompletableFuture<PutResult> f = store.put(r);
                            PutResult res = f.join();
                            if (res.status() != PutStatus.PUT_OK) {
                                out.println("FAIL " + queue + " " + n + " " + res);
                                return;
                            }
                            synchronized (out) {
                                out.println("ACK " + queue + " " + n + " " + res.firstQueueOffset());
                            }
                            n++;
                        }
                    },
                    "writer-" + q);
            ts[q].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
