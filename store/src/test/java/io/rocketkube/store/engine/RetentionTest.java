package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.GetStatus;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.RetentionPolicy;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.TagsCodeResolver;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueueSet;
import io.rocketkube.store.retention.RetentionService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {

    @TempDir
    Path dir;

    private static long atHour(long notBefore, int hour) {
        ZonedDateTime t = Instant.ofEpochMilli(notBefore)
                .atZone(ZoneOffset.UTC)
                .withMinute(0)
                .withSecond(0)
                .withNano(0)
                .withHour(hour);
        while (t.toInstant().toEpochMilli() < notBefore) {
            t = t.plusDays(1);
        }
        return t.toInstant().toEpochMilli();
    }

    /** 100 messages of about 2 KiB with keys k0..k99 on R/0, dispatched: a few 64 KiB segments' worth. */
    private static void putHundredKeyed(DefaultMessageStore store) {
        for (int i = 0; i < 100; i++) {
            store.put(message("R", 0, "m" + i + "-" + "x".repeat(2000), "t", "k" + i, null))
                    .join();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset("R", 0) == 100);
    }

    @Test
    void expiredSegmentsGoAtTheDeleteHourAndQueuesFollow() {
        long now = System.currentTimeMillis();
        MutableClock clock = new MutableClock(now);
        StoreConfig cfg = smallConfig(dir)
                .clock(clock)
                .fileReservedHours(1)
                .deleteWhenHour(3)
                .retentionCheckInterval(Duration.ofHours(1))
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            putHundredKeyed(store);
            assertThat(store.runRetention())
                    .as("nothing expires before its time")
                    .isZero();

            clock.set(atHour(now + 2 * 3_600_000L, 2));
            assertThat(store.runRetention())
                    .as("expired, but not the delete hour")
                    .isZero();

            clock.set(atHour(now + 2 * 3_600_000L, 3));
            int deleted = store.runRetention();
            assertThat(deleted).isPositive();
            long minPhy = store.minPhysicalOffset();
            assertThat(minPhy).isEqualTo(store.maxPhysicalOffset() - store.maxPhysicalOffset() % (64 * 1024));
            long min = store.minOffset("R", 0);
            assertThat(min).isPositive().isLessThan(100);
            assertThat(store.get("R", 0, 0, 10, 1 << 20, MessageFilter.ALL).status())
                    .isEqualTo(GetStatus.OFFSET_TOO_SMALL);
            try (GetResult g = store.get("R", 0, min, 10, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.status()).isEqualTo(GetStatus.FOUND);
                assertThat(g.messages().get(0).physicalOffset()).isGreaterThanOrEqualTo(minPhy);
            }
            assertThat(store.queryByKey("R", "k0", 4, 0, Long.MAX_VALUE).messages())
                    .isEmpty();
            assertThat(store.queryByKey("R", "k99", 4, 0, Long.MAX_VALUE).messages())
                    .hasSize(1);
            assertThat(store.lookMessageByPhysicalOffset(0)).isEmpty();
        }
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            assertThat(store.minOffset("R", 0))
                    .as("min offset survives a restart")
                    .isPositive();
            assertThat(store.maxOffset("R", 0)).isEqualTo(100);
        }
    }

    /** mqadmin updateBrokerConfig of fileReservedTime and deleteWhen: the next pass follows the new rules. */
    @Test
    void aNewPolicyTakesEffectAtTheNextPass() {
        long now = System.currentTimeMillis();
        MutableClock clock = new MutableClock(atHour(now, 12));
        StoreConfig cfg = smallConfig(dir)
                .clock(clock)
                .fileReservedHours(72)
                .deleteWhenHour(3)
                .retentionCheckInterval(Duration.ofHours(1))
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            putHundredKeyed(store);
            clock.set(clock.millis() + 2 * 3_600_000L);
            assertThat(store.runRetention())
                    .as("2 h old, 72 h reserved, at 14:00")
                    .isZero();

            store.retentionPolicy(new RetentionPolicy(1, Set.of(3, 14), 75));
            assertThat(store.runRetention())
                    .as("1 h reserved, and 14:00 is now a delete hour")
                    .isPositive();
            assertThat(store.minOffset("R", 0)).isPositive();
        }
    }

    /** mqadmin deleteExpiredCommitLog and cleanExpiredCQ, and queryCq's view of what is left. */
    @Test
    void anOperatorsRequestDeletesExpiredSegmentsOutsideTheDeleteHour() {
        MutableClock clock = new MutableClock(atHour(System.currentTimeMillis(), 12));
        StoreConfig cfg = smallConfig(dir)
                .clock(clock)
                .fileReservedHours(48)
                .deleteWhenHour(3)
                .retentionCheckInterval(Duration.ofHours(1))
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            putHundredKeyed(store);
            assertThat(store.deleteExpiredSegmentsNow().join())
                    .as("nothing has expired yet")
                    .isZero();

            clock.set(clock.millis() + 48 * 3_600_000L);
            assertThat(store.runRetention()).as("expired, at noon").isZero();
            assertThat(store.deleteExpiredSegmentsNow().join())
                    .as("the request does not wait for the delete hour")
                    .isPositive();
            long min = store.minOffset("R", 0);
            assertThat(min).isPositive().isLessThan(100);

            store.dropExpiredQueueFilesNow().join();
            assertThat(store.minOffset("R", 0)).isEqualTo(min);
            assertThat(store.maxOffset("R", 0)).isEqualTo(100);
            assertThat(store.consumeQueueEntries("R", 0, min, 3))
                    .hasSize(3)
                    .allSatisfy(e -> assertThat(e.commitLogOffset()).isGreaterThanOrEqualTo(store.minPhysicalOffset()))
                    .extracting(e -> e.queueOffset())
                    .containsExactly(min, min + 1, min + 2);
            assertThat(store.consumeQueueEntries("R", 0, 99, 5)).hasSize(1);
            assertThat(store.consumeQueueEntries("R", 0, 100, 5)).isEmpty();
            assertThat(store.consumeQueueEntries("R", 0, min - 1, 5)).isEmpty();
            assertThat(store.consumeQueueEntries("R", 1, 0, 5)).isEmpty();
        }
    }

    /**
     * RocketMQ's middle band: above 75 % but below 85 % only what has expired goes, at any hour; unexpired
     * (possibly unconsumed) data stays. A disk that other users fill must not cost a broker its messages.
     */
    @Test
    void betweenTheThresholdsOnlyExpiredSegmentsGoAtAnyHour() {
        MutableClock clock = new MutableClock(atHour(System.currentTimeMillis(), 12));
        try (Parts p = writtenParts(clock)) {
            int before = p.log.segments().count();
            // Reserved 48 h, delete hour 4; the clock stays at noon. Disk 80 % used: above 75, below 85.
            RetentionService r = p.retention(clock, 48, () -> 0.80);

            assertThat(r.runOnce())
                    .as("80 %, nothing expired, not the delete hour")
                    .isZero();

            clock.set(clock.millis() + 48 * 3_600_000L);
            assertThat(r.runOnce()).as("80 %, expired, at noon").isPositive();
            assertThat(p.log.segments().count()).isLessThan(before);
        }
    }

    @Test
    void aFullDiskDeletesTheOldestSegmentsAtAnyHour() {
        MutableClock clock = new MutableClock(atHour(System.currentTimeMillis(), 12));
        try (Parts p = writtenParts(clock)) {
            int before = p.log.segments().count();
            // 90% used until two segments are gone, then 50%; nothing is old enough to expire.
            RetentionService r = p.retention(clock, 72, () -> p.log.segments().count() > before - 2 ? 0.9 : 0.5);
            assertThat(r.runOnce()).isEqualTo(2);
            assertThat(p.log.segments().count()).isEqualTo(before - 2);
            assertThat(p.queues.find("R", 0).minOffset()).isPositive();
        }
    }

    /** The store's files after 100 messages, reopened as the parts retention works on, outside a store. */
    private Parts writtenParts(MutableClock clock) {
        StoreConfig cfg = smallConfig(dir)
                .clock(clock)
                .retentionCheckInterval(Duration.ofHours(1))
                .build();
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            for (int i = 0; i < 100; i++) {
                store.put(message("R", 0, "m" + i + "-" + "x".repeat(2000))).join();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset("R", 0) == 100);
            store.flush();
        }
        CommitLog log = new CommitLog(dir.resolve("commitlog"), cfg.commitLogSegmentSize(), clock, r -> {});
        log.recoverTo(log.segments().last().start(), java.util.Map.of());
        ConsumeQueueSet queues = ConsumeQueueSet.open(dir.resolve("consumequeue"), cfg.consumeQueueEntriesPerFile());
        IndexService index = IndexService.open(dir.resolve("index"), cfg.indexSlots(), cfg.indexMaxEntries());
        Dispatcher dispatcher = new Dispatcher(
                log,
                new java.util.concurrent.ConcurrentLinkedQueue<>(),
                queues,
                index,
                TagsCodeResolver.TAGS_HASH,
                cfg.maxMessageSize());
        dispatcher.resetTo(log.writtenOffset());
        return new Parts(log, queues, index, dispatcher);
    }

    private record Parts(CommitLog log, ConsumeQueueSet queues, IndexService index, Dispatcher dispatcher)
            implements AutoCloseable {
        /** Retention with RocketMQ's thresholds (75 / 85 %), delete hour 4, and the given disk usage. */
        RetentionService retention(MutableClock clock, int reservedHours, java.util.function.DoubleSupplier usage) {
            return new RetentionService(
                    log,
                    queues,
                    index,
                    dispatcher,
                    clock,
                    new RetentionPolicy(reservedHours, Set.of(4), 75),
                    85,
                    usage);
        }

        @Override
        public void close() {
            queues.close();
            index.close();
            log.close();
        }
    }
}
