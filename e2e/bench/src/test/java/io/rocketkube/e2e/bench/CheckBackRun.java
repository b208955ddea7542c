package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Check-back throughput, ours vs Apache 4.9.7: {@value #HALVES} halves are sent with a local transaction that
 * answers UNKNOW, so every one stays open; the broker checks them back and the listener answers COMMIT. The same
 * settings on both sides: timeout 1 s and a check interval of {@value #INTERVAL_SECONDS} s, so the first round
 * (one interval after the broker started) finds every half sent before it already due, and what is measured is the
 * broker working through a backlog of due halves, not the pace at which they fell due. Measured: from the first
 * check the producer receives until every half is committed in its topic (polled every 50 ms). The producer's
 * check pool has 4 threads and room for all halves on both sides, so the client's own 1-thread, 2,000-deep
 * default pool is not what is measured.
 */
final class CheckBackRun {
    static final int HALVES = 3000;
    static final int INTERVAL_SECONDS = 20;
    private static final String TOPIC = "BenchTxCheckTopic";

    record Result(String side, double checksPerSecond, long checksReceived, long committed, double sendSeconds) {}

    private CheckBackRun() {}

    static Result once(String side, String flush, BenchOptions options) throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-txcheck-namesrv").build();
        namesrv.start();
        BrokerNode broker = TransactionBenchmark.broker(
                side,
                "bench-txcheck",
                flush,
                options,
                namesrv.address(),
                Map.of(
                        "transactionTimeOut",
                        "1000",
                        "transactionCheckInterval",
                        String.valueOf(INTERVAL_SECONDS * 1000),
                        "transactionCheckMax",
                        "100"),
                Map.of(
                        "rocketkube.broker.transaction-timeout",
                        "1s",
                        "rocketkube.broker.transaction-check-interval",
                        INTERVAL_SECONDS + "s",
                        "rocketkube.broker.transaction-check-max",
                        "100"));
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        TransactionMQProducer producer = new TransactionMQProducer("bench_txcheck_producer_" + side);
        ThreadPoolExecutor checkPool =
                new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(HALVES * 4));
        AtomicLong firstCheckNanos = new AtomicLong();
        AtomicLong checks = new AtomicLong();
        try {
            broker.start();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-txcheck-admin-" + side);
            admin.start();
            BenchTopics.createRouted(admin, broker.address(), TOPIC, Duration.ofSeconds(60));
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-txcheck-producer-" + side);
            producer.setExecutorService(checkPool);
            producer.setTransactionListener(new TransactionListener() {
                @Override
                public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                    return LocalTransactionState.UNKNOW;
                }

                @Override
                public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                    firstCheckNanos.compareAndSet(0, System.nanoTime());
                    checks.incrementAndGet();
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
            });
            producer.start();
            long sendStart = System.nanoTime();
            sendHalves(producer, options.threads());
            double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
            if (firstCheckNanos.get() != 0) {
                System.out.printf(
                        Locale.ROOT,
                        "check-back %s: checks began before all halves were sent (%.1f s);"
                                + " the result mixes sending and checking%n",
                        side,
                        sendSeconds);
            }
            long[] allCommittedAt = {0};
            await("all halves committed")
                    .atMost(Duration.ofSeconds(INTERVAL_SECONDS * 6L))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> {
                        if (TransactionBenchmark.committed(admin, TOPIC) >= HALVES) {
                            allCommittedAt[0] = System.nanoTime();
                            return true;
                        }
                        return false;
                    });
            double seconds = (allCommittedAt[0] - firstCheckNanos.get()) / 1e9;
            Result result = new Result(
                    side, HALVES / seconds, checks.get(), TransactionBenchmark.committed(admin, TOPIC), sendSeconds);
            System.out.printf(
                    Locale.ROOT,
                    "check-back %-6s %d halves sent in %.1f s; all committed %.2f s after the first"
                            + " check: %.0f checks/s (%d checks received)%n",
                    side,
                    HALVES,
                    sendSeconds,
                    seconds,
                    result.checksPerSecond(),
                    result.checksReceived());
            return result;
        } finally {
            producer.shutdown();
            checkPool.shutdownNow();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    private static void sendHalves(TransactionMQProducer producer, int threads) throws InterruptedException {
        byte[] body = new byte[SendLoad.BODY_BYTES];
        SendLoad.sendAll(
                "txcheck-send",
                HALVES,
                threads,
                i -> producer.sendMessageInTransaction(new Message(TOPIC, body), null));
    }

    static String table(List<Result> results, BenchOptions options) {
        Table table = new Table(
                "check-back (median of " + options.runs() + ")",
                "checks/s",
                "checks received",
                "committed/halves",
                "halves sent in s");
        for (String side : options.sides()) {
            List<Result> mine =
                    results.stream().filter(r -> r.side().equals(side)).toList();
            table.row(
                    TransactionBenchmark.sideName(side),
                    String.format(
                            Locale.ROOT,
                            "%.0f",
                            Table.median(
                                    mine.stream().map(Result::checksPerSecond).toList())),
                    mine.stream()
                            .map(r -> Long.toString(r.checksReceived()))
                            .reduce((a, b) -> a + " " + b)
                            .orElse("-"),
                    mine.stream()
                            .map(r -> r.committed() + "/" + HALVES)
                            .reduce((a, b) -> a + " " + b)
                            .orElse("-"),
                    String.format(
                            Locale.ROOT,
                            "%.1f",
                            Table.median(mine.stream().map(Result::sendSeconds).toList())));
        }
        return table.render();
    }
}
