package io.rocketkube.broker.bench;

import io.rocketkube.broker.filter.SqlMessageFilter;
import io.rocketkube.broker.filter.SqlSelector;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a SQL92 selector costs on the pull path: the same queue read end to end through {@code store.get}
 * (32 messages per call, as a pull) without a filter, and with selectors matching all, half and none of the
 * messages (1 KiB bodies, five user properties each). Run with
 * {@code ./mvnw verify -Pbench -pl broker-service -am -Dtest=SqlFilterPullBenchmark}.
 */
@Tag("benchmark")
class SqlFilterPullBenchmark {
    static final int MESSAGES = Integer.getInteger("bench.messages", 200_000);
    static final String TOPIC = "T_SQL_BENCH";

    @TempDir
    Path dir;

    @Test
    void pullThroughput() throws Exception {
        try (MessageStore store = DefaultMessageStore.open(StoreConfig.builder(dir.resolve("store"))
                        .storeHost(new InetSocketAddress("127.0.0.1", 10911))
                        .build())
                .start()) {
            byte[] body = new byte[1024];
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                String props = "a\u0001" + (i % 10) + "\u0002b\u0001" + (i % 2 == 0 ? "x" : "y")
                        + "\u0002c\u0001v\u0002UNIQ_KEY\u0001K" + i + "\u0002TAGS\u0001TagA";
                puts.add(store.put(MessageRecordRequest.builder(TOPIC, 0, ByteBuffer.wrap(body))
                        .bornHost(new InetSocketAddress("127.0.0.1", 1))
                        .properties(props)
                        .tagsCode("TagA".hashCode())
                        .waitStoreMsgOk(false)
                        .build()));
            }
            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).join();
            while (store.maxOffset(TOPIC, 0) < MESSAGES) {
                Thread.onSpinWait();
            }
            for (int round = 0; round < Integer.getInteger("bench.rounds", 3); round++) {
                run(store, "no filter", MessageFilter.ALL);
                run(store, "a >= 0 (all)", sql("a >= 0"));
                run(store, "a > 4 AND b = 'x' (half of half)", sql("a > 4 AND b = 'x'"));
                run(store, "b = 'x' (half)", sql("b = 'x'"));
                run(store, "a > 100 (none)", sql("a > 100"));
            }
        }
    }

    private static MessageFilter sql(String text) throws Exception {
        return new SqlMessageFilter(SqlSelector.compile(text));
    }

    private static void run(MessageStore store, String name, MessageFilter filter) {
        long started = System.nanoTime();
        long offset = 0;
        long matched = 0;
        while (offset < MESSAGES) {
            try (GetResult r = store.get(TOPIC, 0, offset, 32, 256 * 1024, filter)) {
                matched += r.messageCount();
                offset = r.nextBeginOffset();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(
                "%-34s scanned %d, matched %7d: %8.0f scanned msg/s%n", name, MESSAGES, matched, MESSAGES / seconds);
    }
}
