package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.OurBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Transactional send + commit throughput, ours vs Apache RocketMQ 4.9.7: a fresh broker per side, flush mode and
 * thread count on an Apache 4.9.7 NameServer, then closed-loop {@code sendMessageInTransaction} of 1 KiB messages
 * from 1 and from {@code --threads} threads sharing one official 4.9.8 TransactionMQProducer whose local
 * transaction commits at once. One operation = the half send (synchronous) plus the client's oneway
 * END_TRANSACTION commit. Ends by checking that the topic holds as many committed messages as were counted (the
 * commits are oneway, so they are awaited before counting). Then the check-back throughput ({@link CheckBackRun}).
 */
final class TransactionBenchmark {
    static final String TOPIC = "BenchTxTopic";

    record Phase(
            String side,
            String flush,
            int threads,
            double perSecond,
            double avgMillis,
            double p99Millis,
            long errors,
            long committed,
            long sent) {}

    private TransactionBenchmark() {}

    static String run(BenchOptions options) throws Exception {
        List<Integer> threadCounts = options.threads() == 1 ? List.of(1) : List.of(1, options.threads());
        List<Phase> phases = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (String flush : options.flushModes()) {
                for (int threads : threadCounts) {
                    for (String side : options.sides()) {
                        phases.add(once(side, flush, threads, options));
                    }
                }
            }
        }
        Table table = new Table(
                "flush (median of " + options.runs() + ")",
                "threads",
                "broker",
                "tx msg/s",
                "avg ms",
                "p99 ms",
                "errors",
                "committed/sent");
        for (String flush : options.flushModes()) {
            for (int threads : threadCounts) {
                for (String side : options.sides()) {
                    List<Phase> mine = phases.stream()
                            .filter(p -> p.side().equals(side) && p.flush().equals(flush) && p.threads() == threads)
                            .toList();
                    table.row(
                            flush,
                            threads,
                            sideName(side),
                            String.format(
                                    Locale.ROOT,
                                    "%.0f",
                                    Table.median(
                                            mine.stream().map(Phase::perSecond).toList())),
                            String.format(
                                    Locale.ROOT,
                                    "%.2f",
                                    Table.median(
                                            mine.stream().map(Phase::avgMillis).toList())),
                            String.format(
                                    Locale.ROOT,
                                    "%.2f",
                                    Table.median(
                                            mine.stream().map(Phase::p99Millis).toList())),
                            Long.toString(mine.stream().mapToLong(Phase::errors).sum()),
                            mine.stream()
                                    .map(p -> p.committed() + "/" + p.sent())
                                    .reduce((a, b) -> a + " " + b)
                                    .orElse("-"));
                }
            }
        }
        List<CheckBackRun.Result> checks = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (String side : options.sides()) {
                checks.add(CheckBackRun.once(side, options.flushModes().get(0), options));
            }
        }
        return table.render() + "\n" + CheckBackRun.table(checks, options);
    }

    static String sideName(String side) {
        return side.equals("ours") ? "ours" : "Apache 4.9.7";
    }

    /** A fresh broker of one side on {@code namesrv}, with extra broker settings per side. */
    static BrokerNode broker(
            String side,
            String name,
            String flush,
            BenchOptions options,
            String namesrv,
            Map<String, String> apacheConf,
            Map<String, String> ourProperties) {
        return switch (side) {
            case "apache" -> {
                ApacheBroker.Builder b = ApacheBroker.builder(name + "-apache")
                        .brokerName(name + "-apache")
                        .namesrvAddrs(namesrv)
                        .flushDiskType(flush);
                apacheConf.forEach(b::property);
                yield b.build();
            }
            case "ours" -> {
                OurBroker.Builder b = OurBroker.builder(name + "-ours")
                        .brokerName(name + "-ours")
                        .namesrvAddrs(namesrv)
                        .flushMode(flush)
                        .heap(options.ourHeap())
                        .jvmOptions(options.ourJvmOptions());
                ourProperties.forEach(b::property);
                yield b.build();
            }
            default -> throw new IllegalArgumentException("unknown side " + side + " (apache, ours)");
        };
    }

    private static Phase once(String side, String flush, int threads, BenchOptions options) throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-tx-namesrv").build();
        namesrv.start();
        BrokerNode broker = broker(side, "bench-tx", flush, options, namesrv.address(), Map.of(), Map.of());
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        TransactionMQProducer producer = new TransactionMQProducer("bench_tx_producer_" + side);
        try {
            broker.start();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-tx-admin-" + side + "-" + flush);
            admin.start();
            BenchTopics.createRouted(admin, broker.address(), TOPIC, Duration.ofSeconds(60));
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-tx-producer-" + side + "-" + flush);
            producer.setTransactionListener(new TransactionListener() {
                @Override
                public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                    return LocalTransactionState.COMMIT_MESSAGE;
                }

                @Override
                public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
            });
            producer.start();
            SendLoad.Result load = load(producer, threads, options.warmup(), options.duration());
            // END_TRANSACTION is oneway: wait until the commits stop arriving before counting them.
            long[] last = {-1};
            await("commits settle")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        long now = committed(admin);
                        boolean stable = now == last[0];
                        last[0] = now;
                        return stable;
                    });
            Phase phase = new Phase(
                    side,
                    flush,
                    threads,
                    load.sends() / (options.duration().toNanos() / 1e9),
                    load.latencies().meanMillis(),
                    load.latencies().percentileMillis(99),
                    load.errors(),
                    last[0],
                    load.allSends());
            System.out.printf(
                    Locale.ROOT,
                    "transaction %-6s %-11s %d thread(s): %.0f tx/s, avg %.2f ms, p99 %.2f ms,"
                            + " %d errors, %d committed of %d sent%n",
                    side,
                    flush,
                    threads,
                    phase.perSecond(),
                    phase.avgMillis(),
                    phase.p99Millis(),
                    phase.errors(),
                    phase.committed(),
                    phase.sent());
            return phase;
        } finally {
            producer.shutdown();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    static long committed(DefaultMQAdminExt admin) throws Exception {
        return committed(admin, TOPIC);
    }

    static long committed(DefaultMQAdminExt admin, String topic) throws Exception {
        return admin.examineTopicStats(topic).getOffsetTable().values().stream()
                .mapToLong(o -> o.getMaxOffset() - o.getMinOffset())
                .sum();
    }

    /** Closed loop as {@link SendLoad}, with sendMessageInTransaction; warm-up completions are not measured. */
    private static SendLoad.Result load(TransactionMQProducer producer, int threads, Duration warmup, Duration duration)
            throws InterruptedException {
        byte[] body = new byte[SendLoad.BODY_BYTES];
        ThreadLocalRandom.current().nextBytes(body);
        return SendLoad.run(
                "tx-send",
                threads,
                () -> producer.sendMessageInTransaction(new Message(TOPIC, body), null)
                                .getSendStatus()
                        == SendStatus.SEND_OK,
                warmup,
                duration);
    }
}
