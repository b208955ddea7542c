package io.rocketkube.broker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.broker.util.MovableClock;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery loop on a real store with a clock the test moves: nothing is delivered before its due time,
 * everything due is delivered in order with the reference's properties, and a restart from the persisted
 * positions (a crash after the last write) delivers again at most what was delivered since, never less.
 */
class ScheduleDeliveryServiceTest {
    private static final String REAL = "T_REAL";
    private static final DelayLevels LEVELS = DelayLevels.parse("10s 1m");

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(ZoneOffset.UTC);
    private MessageStore store;
    private final ScheduleRouter router = new ScheduleRouter(LEVELS);

    @BeforeEach
    void open() {
        store = DefaultMessageStore.open(
                        StoreConfig.builder(dir.resolve("store")).clock(clock).build())
                .start();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void nothingIsDeliveredBeforeItsDueTimeAndEverythingDueIsDeliveredInOrder() throws Exception {
        put(1, 0, 0);
        put(1, 1, 1);
        put(2, 2, 0);
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 1) == 1);
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScheduleDeliveryService service = new ScheduleDeliveryService(store, LEVELS, table, clock, meters);
        assertThat(meters.get("rocketkube.broker.schedule.backlog")
                        .tag("level", "1")
                        .gauge()
                        .value())
                .isEqualTo(2.0);

        service.deliverOnce();
        assertThat(delivered()).isEmpty();
        clock.advance(Duration.ofMillis(9_000));
        service.deliverOnce();
        assertThat(delivered()).isEmpty();

        clock.advance(Duration.ofMillis(1_100));
        service.deliverOnce();
        await().until(() -> delivered().size() == 2);
        assertThat(delivered()).containsExactly("m0", "m1");
        assertThat(table.offset(1)).isEqualTo(2);
        assertThat(table.offset(2)).isZero();
        assertThat(meters.get("rocketkube.broker.schedule.backlog")
                        .tag("level", "1")
                        .gauge()
                        .value())
                .isZero();
        assertThat(meters.get("rocketkube.broker.schedule.backlog")
                        .tag("level", "2")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(meters.get("rocketkube.broker.schedule.delivered").counter().count())
                .isEqualTo(2.0);

        clock.advance(Duration.ofMinutes(1));
        service.deliverOnce();
        await().until(() -> delivered().size() == 3);
        assertThat(table.offset(2)).isEqualTo(1);

        MessageRecord first = realRecords(0).get(0);
        assertThat(first.topic()).isEqualTo(REAL);
        assertThat(first.queueId()).isZero();
        assertThat(first.property(MessageProperties.REAL_TOPIC)).isEqualTo(REAL);
        assertThat(first.property(MessageProperties.REAL_QUEUE_ID)).isEqualTo("0");
        assertThat(first.property(MessageProperties.DELAY_TIME_LEVEL)).isNull();
        assertThat(first.property(MessageProperties.WAIT_STORE_MSG_OK)).isEqualTo("false");
        assertThat(first.property(MessageProperties.TAGS)).isEqualTo("TagA");
        assertThat(first.property("u")).isEqualTo("0");
        assertThat(first.reconsumeTimes()).isEqualTo(4);
        assertThat(first.bornTimestamp()).isEqualTo(1234L);
    }

    @Test
    void aRestartFromThePersistedPositionsRedeliversOnlyWhatCameAfterTheLastWrite() throws Exception {
        for (int i = 0; i < 6; i++) {
            put(1, i, 0);
        }
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 6);
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        ScheduleDeliveryService service = service(table);
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        await().until(() -> delivered().size() == 6);
        assertThat(table.offset(1)).isEqualTo(6);
        table.persistIfChanged();

        for (int i = 6; i < 10; i++) {
            put(1, i, 0);
        }
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 10);
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        await().until(() -> delivered().size() == 10);
        // Crash: the position 10 was never written; the file says 6.

        DelayOffsetTable reloaded = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        assertThat(reloaded.offset(1)).isEqualTo(6);
        service(reloaded).deliverOnce();
        await().until(() -> delivered().size() == 14);
        List<String> bodies = delivered();
        assertThat(bodies.subList(0, 10)).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
        assertThat(bodies.subList(10, 14)).containsExactly("m6", "m7", "m8", "m9");
        assertThat(reloaded.offset(1)).isEqualTo(10);
    }

    @Test
    void aRefusedRePutIsRetriedAndNeverSkipped() throws Exception {
        put(1, 0, 0);
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 1);
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        // A store that refuses the first re-put (as a full disk would).
        ScheduleDeliveryService service = new ScheduleDeliveryService(
                refusingPuts(new int[] {1}, PutStatus.DISK_FULL), LEVELS, table, clock, new SimpleMeterRegistry());
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        assertThat(table.offset(1)).isZero();
        assertThat(delivered()).isEmpty();
        clock.advance(Duration.ofMillis(ScheduleDeliveryService.RETRY_MILLIS + 1));
        service.deliverOnce();
        await().until(() -> delivered().size() == 1);
        assertThat(table.offset(1)).isEqualTo(1);
    }

    /**
     * The copies after a refused one were issued with it and stored: the retry puts the refused one again and
     * steps over them, instead of storing them a second time.
     */
    @Test
    void aRetryAfterARefusedRePutDoesNotStoreTheCopiesAfterItAgain() throws Exception {
        put(1, 0, 0);
        put(1, 1, 1);
        put(1, 2, 1);
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 3);
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        // m0 alone for queue 0 is a put, refused once (a full disk); m1 and m2 for queue 1 are one batch.
        ScheduleDeliveryService service = new ScheduleDeliveryService(
                refusingPuts(new int[] {1}, PutStatus.DISK_FULL), LEVELS, table, clock, new SimpleMeterRegistry());
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        await().until(() -> delivered().size() == 2);
        assertThat(table.offset(1)).as("held at the refused m0").isZero();

        clock.advance(Duration.ofMillis(ScheduleDeliveryService.RETRY_MILLIS + 1));
        service.deliverOnce();
        await().until(() -> table.offset(1) == 3);
        assertThat(delivered()).containsExactly("m0", "m1", "m2");
    }

    /**
     * A copy the store refuses for what it is (here MESSAGE_ILLEGAL, as for a real topic name beyond 127
     * characters) can never be delivered: it is counted and stepped over, and the level goes on.
     */
    @Test
    void aCopyTheStoreRefusesForWhatItIsIsSteppedOverAndDoesNotHoldTheLevel() throws Exception {
        put(1, 0, 0);
        put(1, 1, 1);
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 2);
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ScheduleDeliveryService service = new ScheduleDeliveryService(
                refusingPuts(new int[] {1}, PutStatus.MESSAGE_ILLEGAL), LEVELS, table, clock, meters);
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        assertThat(table.offset(1)).isEqualTo(2);
        await().until(() -> !delivered().isEmpty());
        assertThat(delivered()).containsExactly("m1");
        assertThat(meters.get("rocketkube.broker.schedule.undeliverable")
                        .counter()
                        .count())
                .isEqualTo(1.0);

        clock.advance(Duration.ofSeconds(2));
        service.deliverOnce();
        assertThat(delivered()).containsExactly("m1");
    }

    /** The store, with its single puts (not its batches) refused with {@code status} while {@code left[0]} > 0. */
    private MessageStore refusingPuts(int[] left, PutStatus status) {
        return (MessageStore) java.lang.reflect.Proxy.newProxyInstance(
                MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && left[0]-- > 0) {
                        return java.util.concurrent.CompletableFuture.completedFuture(
                                io.rocketkube.store.PutResult.refused(status, "test"));
                    }
                    return method.invoke(store, args);
                });
    }

    /** Due copies bound for one queue go in one append: its held pull then wakes once for all of them. */
    @Test
    void dueMessagesOfOneRealQueueArePutTogetherInTheirOrder() throws Exception {
        put(1, 0, 0);
        put(1, 1, 1);
        put(1, 2, 0);
        await().until(() -> store.maxOffset(TopicNames.SCHEDULE_TOPIC, 0) == 3);
        ScheduleDeliveryService service = service(DelayOffsetTable.load(dir, LEVELS.maxLevel()));
        clock.advance(Duration.ofSeconds(11));
        service.deliverOnce();
        await().until(() -> delivered().size() == 3);

        assertThat(delivered()).containsExactly("m0", "m2", "m1");
        List<MessageRecord> queue0 = realRecords(0);
        // m0 and m2 were appended together, so m1 (another queue) follows both in the CommitLog.
        assertThat(queue0.get(1).physicalOffset())
                .isLessThan(realRecords(1).get(0).physicalOffset());
    }

    @Test
    void aDamagedPositionsFileStopsTheLoadInsteadOfStartingFromZero() throws Exception {
        DelayOffsetTable table = DelayOffsetTable.load(dir, LEVELS.maxLevel());
        table.advance(1, 42);
        table.persistIfChanged();
        assertThat(DelayOffsetTable.load(dir, LEVELS.maxLevel()).offset(1)).isEqualTo(42);
        Path file = dir.resolve("config").resolve("delayOffset.rkc");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> DelayOffsetTable.load(dir, LEVELS.maxLevel()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    private ScheduleDeliveryService service(DelayOffsetTable table) {
        return new ScheduleDeliveryService(store, LEVELS, table, clock, new SimpleMeterRegistry());
    }

    private void put(int level, int n, int queueId) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperties.TAGS, "TagA");
        props.put(MessageProperties.DELAY_TIME_LEVEL, String.valueOf(level));
        props.put("u", String.valueOf(n));
        MessageRecordRequest r = router.apply(
                MessageRecordRequest.builder(REAL, queueId, ByteBuffer.wrap(("m" + n).getBytes(StandardCharsets.UTF_8)))
                        .properties(PropertiesCodec.encode(props))
                        .bornTimestamp(1234L)
                        .reconsumeTimes(4)
                        .build());
        assertThat(r.topic()).isEqualTo(TopicNames.SCHEDULE_TOPIC);
        assertThat(store.put(r).get().status()).isEqualTo(PutStatus.PUT_OK);
    }

    /** Bodies delivered to the real topic, queue 0 then queue 1. */
    private List<String> delivered() {
        List<String> out = new ArrayList<>();
        for (int q = 0; q < 2; q++) {
            for (MessageRecord m : realRecords(q)) {
                out.add(StandardCharsets.UTF_8.decode(m.body()).toString());
            }
        }
        return out;
    }

    private List<MessageRecord> realRecords(int queueId) {
        List<MessageRecord> out = new ArrayList<>();
        try (GetResult r = store.get(REAL, queueId, 0, 100, 1 << 20, MessageFilter.ALL)) {
            for (MessageSlice s : r.messages()) {
                RecordDecodeResult d = StoredMessageDecoder.decode(
                        s.view(), s.view().position(), s.view().limit(), Integer.MAX_VALUE, false);
                MessageRecord m = ((RecordDecodeResult.Decoded) d).record();
                byte[] body = m.bodyBytes();
                out.add(new MessageRecord(
                        m.topic(),
                        m.queueId(),
                        m.flag(),
                        m.queueOffset(),
                        m.physicalOffset(),
                        m.sysFlag(),
                        m.bornTimestamp(),
                        m.bornHost(),
                        m.storeTimestamp(),
                        m.storeHost(),
                        m.reconsumeTimes(),
                        m.preparedTransactionOffset(),
                        ByteBuffer.wrap(body),
                        m.properties(),
                        m.bodyCrc()));
            }
        }
        return out;
    }
}
