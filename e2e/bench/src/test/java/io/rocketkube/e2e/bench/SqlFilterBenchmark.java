package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * SQL92-filtered consume throughput, ours vs Apache 4.9.7 ({@code enablePropertyFilter=true}): a backlog of
 * {@value #BACKLOG} messages (256 B, property {@code a} = i mod 10) in an 8-queue topic, then an official 4.9.8
 * push consumer subscribed with {@code a = 3 AND b = 'x'} (every tenth message matches) from the first offset.
 * Measured: from the consumer's start until it has every matching message, as messages delivered per second and
 * backlog messages scanned (filtered by the broker) per second.
 */
final class SqlFilterBenchmark {
    static final int BACKLOG = 50_000;
    static final String SELECTOR = "a = 3 AND b = 'x'";
    private static final String TOPIC = "BenchSqlTopic";

    record Result(String side, double deliveredPerSecond, double scannedPerSecond, long delivered) {}

    private SqlFilterBenchmark() {}

    static String run(BenchOptions options) throws Exception {
        List<Result> results = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (String side : options.sides()) {
                results.add(once(side, options.flushModes().get(0), options));
            }
        }
        Table table = new Table(
                "SQL92 consume (median of " + options.runs() + ")",
                "delivered msg/s",
                "scanned msg/s",
                "delivered/expected");
        for (String side : options.sides()) {
            List<Result> mine =
                    results.stream().filter(r -> r.side().equals(side)).toList();
            table.row(
                    TransactionBenchmark.sideName(side),
                    String.format(
                            Locale.ROOT,
                            "%.0f",
                            Table.median(mine.stream()
                                    .map(Result::deliveredPerSecond)
                                    .toList())),
                    String.format(
                            Locale.ROOT,
                            "%.0f",
                            Table.median(
                                    mine.stream().map(Result::scannedPerSecond).toList())),
                    mine.stream()
                            .map(r -> r.delivered() + "/" + BACKLOG / 10)
                            .reduce((a, b) -> a + " " + b)
                            .orElse("-"));
        }
        return table.render();
    }

    private static Result once(String side, String flush, BenchOptions options) throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-sql-namesrv").build();
        namesrv.start();
        BrokerNode broker = TransactionBenchmark.broker(
                side, "bench-sql", flush, options, namesrv.address(), Map.of("enablePropertyFilter", "true"), Map.of());
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        DefaultMQProducer producer = new DefaultMQProducer("bench_sql_producer_" + side);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench_sql_consumer_" + side);
        try {
            broker.start();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-sql-admin-" + side);
            admin.start();
            BenchTopics.createRouted(admin, broker.address(), TOPIC, Duration.ofSeconds(60));
            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-sql-producer-" + side);
            producer.start();
            sendBacklog(producer, options.threads());
            await("backlog stored")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> TransactionBenchmark.committed(admin, TOPIC) >= BACKLOG);

            AtomicLong delivered = new AtomicLong();
            consumer.setNamesrvAddr(namesrv.address());
            consumer.setInstanceName("bench-sql-consumer-" + side);
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(TOPIC, MessageSelector.bySql(SELECTOR));
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                delivered.addAndGet(msgs.size());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            long start = System.nanoTime();
            consumer.start();
            long expected = BACKLOG / 10;
            await("all matching messages delivered")
                    .atMost(Duration.ofSeconds(300))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> delivered.get() >= expected);
            double seconds = (System.nanoTime() - start) / 1e9;
            Result result = new Result(side, expected / seconds, BACKLOG / seconds, delivered.get());
            System.out.printf(
                    Locale.ROOT,
                    "sql92 %-6s %d matching of %d in %.2f s: %.0f delivered/s, %.0f scanned/s%n",
                    side,
                    expected,
                    BACKLOG,
                    seconds,
                    result.deliveredPerSecond(),
                    result.scannedPerSecond());
            return result;
        } finally {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    private static void sendBacklog(DefaultMQProducer producer, int threads) throws InterruptedException {
        byte[] body = new byte[256];
        SendLoad.sendAll("sql-send", BACKLOG, threads, i -> {
            Message m = new Message(TOPIC, body);
            m.putUserProperty("a", Long.toString(i % 10));
            m.putUserProperty("b", "x");
            producer.send(m);
        });
    }
}
