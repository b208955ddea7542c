package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerCpu;
import io.rocketkube.e2e.testkit.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Delay-level messages, ours vs Apache RocketMQ 4.9.7's schedule service (issue 21): a fresh broker per side on an
 * Apache 4.9.7 NameServer, a push consumer (official 4.9.8) holding every queue of the topic, then closed-loop
 * synchronous sends of 1 KiB messages with delay level {@link #LEVEL} (5 s) from 1 and from {@code --threads}
 * threads for warm-up + duration. Every message comes due 5 s after it was stored, so the due rate is the send
 * rate: the delivery rate (messages / (last receipt − first due)) shows whether the schedule keeps pace, and the
 * lateness (receipt − (born time + 5 s)) how late a due message reaches a consumer. The born time is the client's
 * clock at send, less than a millisecond before the broker stores it on loopback, so lateness is slightly
 * overstated on both sides alike.
 */
final class DelayBenchmark {
    static final String TOPIC = "BenchDelayTopic";
    static final int LEVEL = 2;
    static final long DELAY_MS = 5_000;

    record Phase(
            String side,
            int threads,
            double sendPerSecond,
            double avgMillis,
            double p99Millis,
            long errors,
            long sent,
            long delivered,
            double deliverPerSecond,
            long lateP50,
            long lateP99,
            long lateMax,
            BrokerCpu.PerMessage cpu) {}

    private DelayBenchmark() {}

    static String run(BenchOptions options) throws Exception {
        List<Integer> threadCounts = options.threads() == 1 ? List.of(1) : List.of(1, options.threads());
        List<Phase> phases = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            // Every other run takes the sides in reverse (as the replication benchmark): the side that goes
            // first also carries the load generator's own warm-up.
            List<String> sides = new ArrayList<>(options.sides());
            if (run % 2 == 0) {
                Collections.reverse(sides);
            }
            for (int threads : threadCounts) {
                for (String side : sides) {
                    phases.add(once(side, threads, options));
                }
            }
        }
        Table table = new Table(
                "threads",
                "broker (level " + LEVEL + " = 5 s)",
                "send msg/s",
                "avg ms",
                "p99 ms",
                "errors",
                "delivered/sent",
                "deliver msg/s",
                "late p50 ms",
                "late p99 ms",
                "late max ms");
        for (Phase p : phases) {
            table.row(
                    p.threads(),
                    TransactionBenchmark.sideName(p.side()),
                    String.format(Locale.ROOT, "%.0f", p.sendPerSecond()),
                    String.format(Locale.ROOT, "%.2f", p.avgMillis()),
                    String.format(Locale.ROOT, "%.2f", p.p99Millis()),
                    p.errors(),
                    p.delivered() + "/" + p.sent(),
                    String.format(Locale.ROOT, "%.0f", p.deliverPerSecond()),
                    p.lateP50(),
                    p.lateP99(),
                    p.lateMax());
        }
        Table cpu = new Table(
                "threads",
                "broker",
                "client µs/msg",
                "broker µs/msg",
                "other µs/msg",
                "machine µs/msg",
                "broker's busiest threads, µs/msg");
        for (Phase p : phases) {
            cpu.row(
                    p.threads(),
                    TransactionBenchmark.sideName(p.side()),
                    String.format(Locale.ROOT, "%.0f", p.cpu().client()),
                    String.format(Locale.ROOT, "%.0f", p.cpu().broker()),
                    String.format(Locale.ROOT, "%.0f", p.cpu().other()),
                    String.format(Locale.ROOT, "%.0f", p.cpu().machine()),
                    p.cpu().topThreads(6));
        }
        return table.render() + "\n" + cpu.render()
                + "\nCPU per message sent in the measured window (user + system, /proc): the window holds the"
                + " sends and, 5 s behind them, the deliveries and consumption of as many, so it is the cost of"
                + " one message's whole path; rows in run order (every other run reversed)\n";
    }

    private static Phase once(String side, int threads, BenchOptions options) throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-delay-namesrv").build();
        namesrv.start();
        String flush = options.flushModes().get(0);
        BrokerNode broker =
                TransactionBenchmark.broker(side, "bench-delay", flush, options, namesrv.address(), Map.of(), Map.of());
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        DefaultMQProducer producer = new DefaultMQProducer("bench_delay_producer_" + side);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench_delay_consumer_" + side);
        try {
            broker.start();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-delay-admin-" + side + "-" + threads);
            admin.start();
            admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(TOPIC, 8, 8, 6));
            await("route of " + TOPIC)
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() ->
                            !admin.examineTopicRouteInfo(TOPIC).getQueueDatas().isEmpty());
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-delay-producer-" + side + "-" + threads);
            producer.start();

            ConcurrentLinkedQueue<Long> lateness = new ConcurrentLinkedQueue<>();
            AtomicLong lastReceipt = new AtomicLong();
            AtomicLong probes = new AtomicLong();
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName("bench-delay-consumer-" + side + "-" + threads);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
                long now = System.currentTimeMillis();
                msgs.forEach(m -> {
                    if (m.getUserProperty("BENCH_DELAYED") == null) {
                        probes.incrementAndGet();
                    } else {
                        lateness.add(now - (m.getBornTimestamp() + DELAY_MS));
                        lastReceipt.accumulateAndGet(now, Math::max);
                    }
                });
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            // Undelayed probes round-robin over the 8 queues: once all came back, the consumer pulls every queue.
            await("consumer holds every queue")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        producer.send(new Message(TOPIC, new byte[8]));
                        return probes.get() >= 16;
                    });

            byte[] body = new byte[SendLoad.BODY_BYTES];
            ThreadLocalRandom.current().nextBytes(body);
            long firstDue = System.currentTimeMillis() + DELAY_MS;
            // Snapshots on timers started with the load, so the window is the measured one (as CpuWindow).
            long pid = broker.process().pid();
            CompletableFuture<BrokerCpu.Snapshot> cpuStart = CompletableFuture.supplyAsync(
                    () -> BrokerCpu.Snapshot.take(pid),
                    CompletableFuture.delayedExecutor(options.warmup().toMillis(), TimeUnit.MILLISECONDS));
            CompletableFuture<BrokerCpu.Snapshot> cpuEnd = CompletableFuture.supplyAsync(
                    () -> BrokerCpu.Snapshot.take(pid),
                    CompletableFuture.delayedExecutor(
                            options.warmup().plus(options.duration()).toMillis(), TimeUnit.MILLISECONDS));
            SendLoad.Result load = SendLoad.run(
                    producer,
                    () -> {
                        Message m = new Message(TOPIC, body);
                        m.setDelayTimeLevel(LEVEL);
                        m.putUserProperty("BENCH_DELAYED", "1");
                        return m;
                    },
                    threads,
                    options.warmup(),
                    options.duration());
            long sent = load.allSends();
            BrokerCpu.PerMessage cpu =
                    BrokerCpu.between(cpuStart.get(1, TimeUnit.MINUTES), cpuEnd.get(1, TimeUnit.MINUTES), load.sends());
            try {
                await("delayed messages delivered")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> lateness.size() >= sent);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.printf("%s: only %d of %d delivered%n", side, lateness.size(), sent);
            }
            long[] late = lateness.stream().mapToLong(Long::longValue).sorted().toArray();
            double deliverPerSecond = late.length / Math.max(0.001, (lastReceipt.get() - firstDue) / 1000.0);
            Phase phase = new Phase(
                    side,
                    threads,
                    load.perSecond(),
                    load.latencies().meanMillis(),
                    load.latencies().percentileMillis(99),
                    load.errors(),
                    sent,
                    late.length,
                    deliverPerSecond,
                    percentile(late, 50),
                    percentile(late, 99),
                    late.length == 0 ? -1 : late[late.length - 1],
                    cpu);
            System.out.printf(
                    Locale.ROOT,
                    "delay %-6s %d thread(s): send %.0f msg/s (p99 %.2f ms), %d of %d delivered at"
                            + " %.0f msg/s, lateness p50 %d ms, p99 %d ms, max %d ms%n",
                    side,
                    threads,
                    phase.sendPerSecond(),
                    phase.p99Millis(),
                    phase.delivered(),
                    sent,
                    deliverPerSecond,
                    phase.lateP50(),
                    phase.lateP99(),
                    phase.lateMax());
            System.out.printf("delay %-6s %d thread(s): %s%n", side, threads, cpu.summary());
            return phase;
        } finally {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    static long percentile(long[] sorted, double p) {
        return sorted.length == 0
                ? -1
                : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
