package io.rocketkube.e2e.benchv5;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerCpu;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.E2eLayout;
import io.rocketkube.e2e.testkit.JvmOptions;
import io.rocketkube.e2e.testkit.OurBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * 5.x timer messages, ours vs Apache RocketMQ 5.5.0, with the official 5.3.3 client in this JVM (issue 21's
 * benchmark; see e2e/README.md). Per side, a fresh broker on an Apache 4.9.7 NameServer:
 *
 * <ol>
 *   <li>heap used after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}) and RssAnon with 0 timers;
 *   <li>{@code --pending} timers due in two hours (after the run), closed-loop synchronous sends from
 *       {@code --threads} threads: timer send throughput, average and p99 send latency;
 *   <li>once the broker has taken every one into its timer wheel ({@code timerOffsetBehind} 0 in the runtime
 *       info, both brokers report it), heap and RssAnon again;
 *   <li>{@code --warmup-batches} batches of {@code --batch} timers, each due at one whole second and
 *       delivered before the next is sent, not measured: a batch of 20,000 is delivered in about a second, and
 *       without them that second is also when the JIT compiles each broker's delivery path and the consumer's
 *       receive path for the first time (C1 + C2 were a third of the machine's CPU per delivered timer in
 *       the measured batch);
 *   <li>{@code --batch} timers all due at one whole second T, sent after a push consumer holds every queue:
 *       delivery throughput (batch / (last receipt − T)) and lateness (receipt − T) p50/p99/max.
 * </ol>
 *
 * <pre>
 *   TimerBenchmark timer [--pending=1000000] [--batch=20000] [--warmup-batches=1] [--threads=4] [--body=128]
 *                        [--sides=apache,ours]
 *                        [--our-heap=1g] [--our-jvm=-XX:opt,...]   (JVM options for our broker only, e.g. JFR;
 *                                                                split only at ",-")
 * </pre>
 */
public final class TimerBenchmark {
    static final String PENDING_TOPIC = "BenchTimerPending";
    static final String DUE_TOPIC = "BenchTimerDue";

    record Options(
            int pending,
            int batch,
            int warmupBatches,
            int threads,
            int body,
            List<String> sides,
            String ourHeap,
            List<String> ourJvm) {
        static Options parse(String... args) {
            Map<String, String> o = new LinkedHashMap<>();
            for (int i = 1; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                if (!args[i].startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("bad option " + args[i]);
                }
                o.put(args[i].substring(2, eq), args[i].substring(eq + 1));
            }
            Options parsed = new Options(
                    Integer.parseInt(o.getOrDefault("pending", "1000000")),
                    Integer.parseInt(o.getOrDefault("batch", "20000")),
                    Integer.parseInt(o.getOrDefault("warmup-batches", "1")),
                    Integer.parseInt(o.getOrDefault("threads", "4")),
                    Integer.parseInt(o.getOrDefault("body", "128")),
                    List.of(o.getOrDefault("sides", "apache,ours").split(",")),
                    o.getOrDefault("our-heap", "1g"),
                    o.containsKey("our-jvm") ? JvmOptions.split(o.get("our-jvm")) : List.of());
            o.keySet().stream()
                    .filter(k -> !List.of(
                                    "pending",
                                    "batch",
                                    "warmup-batches",
                                    "threads",
                                    "body",
                                    "sides",
                                    "our-heap",
                                    "our-jvm")
                            .contains(k))
                    .findFirst()
                    .ifPresent(k -> {
                        throw new IllegalArgumentException("unknown option --" + k);
                    });
            return parsed;
        }
    }

    record Result(
            String side,
            double sendPerSecond,
            double sendAvgMs,
            double sendP99Ms,
            long sendErrors,
            long heapAt0Kib,
            long rssAt0Kib,
            long heapPendingKib,
            long rssPendingKib,
            double enqueueSeconds,
            double deliverPerSecond,
            long latenessP50,
            long latenessP99,
            long latenessMax,
            int delivered,
            BrokerCpu.PerMessage sendCpu,
            BrokerCpu.PerMessage deliverCpu) {}

    private TimerBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", options: " + options);
        List<Result> results = new ArrayList<>();
        for (String side : options.sides()) {
            results.add(once(side, options));
        }
        System.out.println();
        System.out.println(table(results, options));
    }

    static String table(List<Result> results, Options options) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "timers: %,d pending (due after the run), then %d unmeasured batches and a measured batch of %,d due at"
                        + " one second; %d sender threads, %d-byte bodies%n",
                options.pending(),
                options.warmupBatches(),
                options.batch(),
                options.threads(),
                options.body()));
        out.append(String.format(
                Locale.ROOT,
                "| %-12s | %10s | %7s | %7s | %6s | %12s | %12s | %12s | %12s | %9s" + " | %10s | %8s | %8s | %8s |%n",
                "broker",
                "send msg/s",
                "avg ms",
                "p99 ms",
                "errors",
                "heap@0 MiB",
                "RssAnon@0",
                "heap@N MiB",
                "RssAnon@N",
                "enqueue s",
                "deliver/s",
                "late p50",
                "late p99",
                "late max"));
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %-12s | %10.0f | %7.2f | %7.2f | %6d | %12.0f | %12.0f | %12.0f"
                            + " | %12.0f | %9.1f | %10.0f | %8d | %8d | %8d |%n",
                    sideName(r.side()),
                    r.sendPerSecond(),
                    r.sendAvgMs(),
                    r.sendP99Ms(),
                    r.sendErrors(),
                    r.heapAt0Kib() / 1024.0,
                    r.rssAt0Kib() / 1024.0,
                    r.heapPendingKib() / 1024.0,
                    r.rssPendingKib() / 1024.0,
                    r.enqueueSeconds(),
                    r.deliverPerSecond(),
                    r.latenessP50(),
                    r.latenessP99(),
                    r.latenessMax()));
        }
        out.append("lateness: receipt by the push consumer minus the due time, ms; RssAnon in MiB;"
                + " enqueue s: from the last send until timerOffsetBehind was 0\n");
        out.append("CPU µs per message (user + system, /proc): send = the fill's sends, deliver = from the batch's due"
                + " time to its last receipt (the re-puts, pulls and consumption)\n");
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-12s send:    %s%n",
                    sideName(r.side()),
                    r.sendCpu().summary()));
            out.append(String.format(
                    Locale.ROOT,
                    "%-12s deliver: %s%n",
                    sideName(r.side()),
                    r.deliverCpu().summary()));
        }
        return out.toString();
    }

    static String sideName(String side) {
        return side.equals("ours") ? "ours" : "Apache 5.5.0";
    }

    private static BrokerNode broker(String side, String namesrv, Options options) {
        return switch (side) {
            case "apache" ->
                ApacheBroker.builder("bench-timer-apache")
                        .brokerName("bench-timer-apache")
                        .serverClasspath(apacheV5Classpath(), "apache-5.5.0")
                        .namesrvAddrs(namesrv)
                        .property("timerWheelEnable", "true")
                        .property("bindAddress", "127.0.0.1")
                        .mappedFileSizeCommitLog(256L << 20)
                        .build();
            case "ours" ->
                OurBroker.builder("bench-timer-ours")
                        .brokerName("bench-timer-ours")
                        .namesrvAddrs(namesrv)
                        .flushMode("ASYNC_FLUSH")
                        .heap(options.ourHeap())
                        .jvmOptions(options.ourJvm())
                        .commitLogSegmentSize(256L << 20)
                        .build();
            default -> throw new IllegalArgumentException("unknown side " + side + " (apache, ours)");
        };
    }

    /** The 5.5.0 servers' classpath, written by e2e/apache-peer-v5. */
    static String apacheV5Classpath() {
        String configured = System.getProperty("rocketkube.e2e.peer-v5-classpath");
        Path file = configured != null
                ? Path.of(configured)
                : E2eLayout.root().resolve("e2e/apache-peer-v5/target/peer-v5.classpath");
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException(file + " is missing: build e2e/apache-peer-v5 first", e);
        }
    }

    private static Result once(String side, Options options) throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-timer-namesrv").build();
        namesrv.start();
        BrokerNode broker = broker(side, namesrv.address(), options);
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        DefaultMQProducer producer = new DefaultMQProducer("bench_timer_producer_" + side);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench_timer_consumer_" + side);
        try {
            broker.start();
            long pid = broker.process().pid();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-timer-admin-" + side);
            admin.start();
            for (String topic : List.of(PENDING_TOPIC, DUE_TOPIC)) {
                admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(topic, 8, 8, 6));
                await("route of " + topic)
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> !admin.examineTopicRouteInfo(topic)
                                .getQueueDatas()
                                .isEmpty());
            }
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-timer-producer-" + side);
            producer.setSendMsgTimeout(10_000);
            producer.start();

            long[] at0 = memory(pid);
            System.out.printf(Locale.ROOT, "%s: heap %d KiB, RssAnon %d KiB with no timers%n", side, at0[0], at0[1]);

            long farMs = System.currentTimeMillis() + Duration.ofHours(2).toMillis();
            BrokerCpu.Snapshot fillStart = BrokerCpu.Snapshot.take(pid);
            Sends fill = send(
                    producer,
                    PENDING_TOPIC,
                    options.pending(),
                    options.threads(),
                    options.body(),
                    i -> farMs + i % 600_000);
            long sentAt = System.nanoTime();
            BrokerCpu.PerMessage sendCpu = BrokerCpu.between(fillStart, BrokerCpu.Snapshot.take(pid), fill.count());
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d timers sent, %.0f msg/s, avg %.2f ms, p99 %.2f ms, %d errors%n",
                    side,
                    fill.count(),
                    fill.perSecond(),
                    fill.avgMillis(),
                    fill.p99Millis(),
                    fill.errors());
            await("timer wheel takes every pending timer")
                    .atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> "0"
                            .equals(admin.fetchBrokerRuntimeStats(broker.address())
                                    .getTable()
                                    .get("timerOffsetBehind")));
            double enqueueSeconds = (System.nanoTime() - sentAt) / 1e9;
            long[] atN = memory(pid);
            System.out.printf(
                    Locale.ROOT,
                    "%s: heap %d KiB, RssAnon %d KiB with %d pending (enqueued %.1f s after the" + " last send)%n",
                    side,
                    atN[0],
                    atN[1],
                    fill.count(),
                    enqueueSeconds);

            ConcurrentLinkedQueue<long[]> receipts = new ConcurrentLinkedQueue<>();
            AtomicLong probes = new AtomicLong();
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName("bench-timer-consumer-" + side);
            consumer.subscribe(DUE_TOPIC, "*");
            consumer.setConsumeThreadMin(4);
            consumer.setConsumeThreadMax(4);
            consumer.setPullBatchSize(64);
            consumer.setConsumeMessageBatchMaxSize(64);
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
                long now = System.currentTimeMillis();
                msgs.forEach(m -> {
                    String due = m.getUserProperty("BENCH_DUE");
                    if (due == null) {
                        probes.incrementAndGet();
                    } else {
                        receipts.add(new long[] {now, Long.parseLong(due)});
                    }
                });
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            // Probes round-robin over the 8 queues: once all came back, the consumer pulls every queue.
            await("consumer holds every queue")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        producer.send(new Message(DUE_TOPIC, new byte[8]));
                        return probes.get() >= 16;
                    });
            for (int round = 1; round <= options.warmupBatches(); round++) {
                Batch warm =
                        sendBatch(producer, options, Batch.dueAfterSending(options, fill.perSecond()), receipts, side);
                System.out.printf(
                        Locale.ROOT,
                        "%s: warm-up batch %d: %d of %d delivered%n",
                        side,
                        round,
                        receipts.size(),
                        warm.expected());
            }
            long nextDueMs = Batch.dueAfterSending(options, fill.perSecond());
            CompletableFuture<BrokerCpu.Snapshot> atDue = CompletableFuture.supplyAsync(
                    () -> BrokerCpu.Snapshot.take(pid),
                    CompletableFuture.delayedExecutor(
                            Math.max(0, nextDueMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS));
            Batch measured = sendBatch(producer, options, nextDueMs, receipts, side);
            long dueMs = measured.dueMs();
            int expected = measured.expected();
            Sends batch = measured.sends();
            BrokerCpu.PerMessage deliverCpu =
                    BrokerCpu.between(atDue.get(1, TimeUnit.MINUTES), BrokerCpu.Snapshot.take(pid), receipts.size());
            long[] lateness =
                    receipts.stream().mapToLong(r -> r[0] - r[1]).sorted().toArray();
            long last = receipts.stream().mapToLong(r -> r[0]).max().orElse(dueMs);
            double deliverPerSecond = lateness.length / Math.max(0.001, (last - dueMs) / 1000.0);
            Result result = new Result(
                    side,
                    fill.perSecond(),
                    fill.avgMillis(),
                    fill.p99Millis(),
                    fill.errors() + batch.errors(),
                    at0[0],
                    at0[1],
                    atN[0],
                    atN[1],
                    enqueueSeconds,
                    deliverPerSecond,
                    percentile(lateness, 50),
                    percentile(lateness, 99),
                    lateness.length == 0 ? -1 : lateness[lateness.length - 1],
                    lateness.length,
                    sendCpu,
                    deliverCpu);
            System.out.printf(
                    Locale.ROOT,
                    "%s: batch of %d due at %d: %d delivered, %.0f msg/s, lateness p50 %d ms, p99 %d"
                            + " ms, max %d ms%n",
                    side,
                    expected,
                    dueMs,
                    lateness.length,
                    deliverPerSecond,
                    result.latenessP50(),
                    result.latenessP99(),
                    result.latenessMax());
            System.out.printf("%s: send %s%n%s: deliver %s%n", side, sendCpu.summary(), side, deliverCpu.summary());
            return result;
        } finally {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    /** One batch of timers due at {@link #dueMs}: what was sent; the broker accepted {@link #expected} of them. */
    record Batch(long dueMs, Sends sends) {
        int expected() {
            return (int) sends.count();
        }

        /** A whole second far enough ahead that the batch is sent before it (1.5 × the fill's send time + 5 s). */
        static long dueAfterSending(Options options, double sendPerSecond) {
            long estimateMs = (long) (options.batch() / Math.max(100, sendPerSecond) * 1500) + 5_000;
            return (System.currentTimeMillis() + estimateMs) / 1000 * 1000 + 1000;
        }
    }

    /** Sends {@code --batch} timers due at {@code dueMs} and waits until the consumer has them all in {@code receipts}. */
    private static Batch sendBatch(
            DefaultMQProducer producer,
            Options options,
            long dueMs,
            ConcurrentLinkedQueue<long[]> receipts,
            String side)
            throws InterruptedException {
        receipts.clear();
        Sends batch = send(producer, DUE_TOPIC, options.batch(), options.threads(), options.body(), i -> dueMs);
        long batchSentMs = System.currentTimeMillis();
        if (batchSentMs >= dueMs) {
            System.out.printf("%s: WARNING the batch took until %d ms after its due time%n", side, batchSentMs - dueMs);
        }
        int expected = (int) batch.count();
        try {
            await("batch delivered")
                    .atMost(Duration.ofMillis(Math.max(0, dueMs - System.currentTimeMillis()) + 180_000))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> receipts.size() >= expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            System.out.printf("%s: only %d of %d delivered%n", side, receipts.size(), expected);
        }
        return new Batch(dueMs, batch);
    }

    record Sends(long count, long errors, double perSecond, double avgMillis, double p99Millis) {}

    /**
     * {@code total} timer messages from {@code threads} threads, closed loop, synchronous; message i is due at
     * {@code dueMs(i)}, carried in the user property BENCH_DUE too (the consumer's clock for lateness).
     */
    static Sends send(
            DefaultMQProducer producer,
            String topic,
            int total,
            int threads,
            int bodyBytes,
            java.util.function.LongUnaryOperator dueMs)
            throws InterruptedException {
        byte[] body = new byte[bodyBytes];
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long[] latencies = new long[total];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        for (int i = (int) next.getAndIncrement(); i < total; i = (int) next.getAndIncrement()) {
                            Message m = new Message(topic, body);
                            long due = dueMs.applyAsLong(i);
                            m.setDeliverTimeMs(due);
                            m.putUserProperty("BENCH_DUE", Long.toString(due));
                            long begin = System.nanoTime();
                            try {
                                if (producer.send(m).getSendStatus() != SendStatus.SEND_OK) {
                                    errors.incrementAndGet();
                                }
                            } catch (Exception e) {
                                errors.incrementAndGet();
                            }
                            latencies[i] = System.nanoTime() - begin;
                        }
                    },
                    "timer-send-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        java.util.Arrays.sort(latencies);
        double avg = java.util.Arrays.stream(latencies).average().orElse(0) / 1e6;
        return new Sends(total - errors.get(), errors.get(), total / seconds, avg, percentile(latencies, 99) / 1e6);
    }

    /** {heap used after a full GC, RssAnon}, KiB, of the broker process. */
    static long[] memory(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher used =
                java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
        long heap = used.find() ? Long.parseLong(used.group(1)) : -1;
        return new long[] {heap, io.rocketkube.e2e.testkit.ProcStatus.rssAnonKib(pid)};
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
