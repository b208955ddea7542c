package io.rocketkube.broker.bench;

import io.rocketkube.broker.it.ClusterAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fixed send load (4 threads of synchronous 1 KiB sends for {@code bench.seconds}, default 20) against an
 * in-process broker, to be run under a profiler:
 * {@code ./mvnw verify -Pbench -pl broker-service -am -Dtest=SendProfileBenchmark
 * -DargLine="-XX:StartFlightRecording=filename=target/send.jfr,settings=profile"}.
 * The comparison with Apache RocketMQ lives in e2e/bench; this only shows where our broker spends its time.
 */
@Tag("benchmark")
class SendProfileBenchmark {
    @TempDir
    Path dir;

    @Test
    void sendLoad() throws Exception {
        long seconds = Long.getLong("bench.seconds", 20);
        try (ClusterAccess cluster = ClusterAccess.start(dir)) {
            DefaultMQProducer producer = new DefaultMQProducer("PG_BENCH");
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName("bench");
            producer.start();
            byte[] body = new byte[1024];
            producer.send(new Message("T_BENCH", body));
            LongAdder sent = new LongAdder();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            producer.send(new Message("T_BENCH", body));
                            sent.increment();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            System.out.printf("sent %d in %d s: %.0f msg/s%n", sent.sum(), seconds, sent.sum() / (double) seconds);
            producer.shutdown();
        }
    }
}
