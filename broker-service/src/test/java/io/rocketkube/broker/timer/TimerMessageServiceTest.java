package io.rocketkube.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.broker.util.MovableClock;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timer delivery loop on a real store and wheel with a clock the test moves, through a store that refuses
 * chosen re-puts: a tick tried again after a refusal stores none of its timers twice, not even when a timer
 * joined the tick's chain at its head meanwhile, and a timer its real topic refuses for good is stepped over
 * instead of holding back every later tick.
 */
class TimerMessageServiceTest {
    private static final String REAL = "T_REAL";
    private static final long PRECISION = 1000;

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock(ZoneOffset.UTC);
    private final TimerRouter router = new TimerRouter(new TimerSettings(true, PRECISION, 3600), clock);
    private MessageStore store;
    private TimerWheelStore wheel;
    private int timersStored;

    @BeforeEach
    void open() throws Exception {
        store = DefaultMessageStore.open(
                        StoreConfig.builder(dir.resolve("store")).clock(clock).build())
                .start();
        wheel = TimerWheelStore.open(
                dir.resolve("timer"),
                PRECISION,
                TimerWheelStore.slotCount(PRECISION, 3_600_000),
                clock.millis(),
                TimerLog.DEFAULT_RECORDS_PER_SEGMENT);
    }

    @AfterEach
    void close() throws Exception {
        wheel.close();
        store.close();
    }

    @Test
    void aTickTriedAgainAfterARefusalStoresNoneOfItsTimersTwice() throws Exception {
        long deliverAt = clock.millis() + 5_000;
        timer("m0", 0, deliverAt);
        timer("m1", 1, deliverAt);
        timer("m2", 1, deliverAt);
        // m0, alone for queue 0, is a single put: refused once, as by a full disk. m1 and m2 are one batch.
        int[] refusals = {1};
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TimerMessageService service =
                new TimerMessageService(refusing(refusals, PutStatus.DISK_FULL), wheel, clock, meters);
        service.passOnce();
        assertThat(wheel.pending()).isEqualTo(3);

        clock.advance(Duration.ofMillis(6_000));
        service.passOnce();
        assertThat(refusals[0]).as("the refusal was used").isZero();
        assertThat(delivered()).containsExactlyInAnyOrder("m1", "m2");

        // While the tick waits for its retry, a timer whose time is already past is enqueued: it joins the same
        // tick, at the head of its chain.
        timerTopicRecord("m3", 0, deliverAt);
        clock.advance(Duration.ofMillis(TimerMessageService.RETRY_MILLIS + 1));
        service.passOnce();
        service.passOnce();
        assertThat(delivered()).containsExactlyInAnyOrder("m0", "m1", "m2", "m3");
        assertThat(wheel.pending()).isZero();
        assertThat(meters.get("rocketkube.broker.timer.delivered").counter().count())
                .isEqualTo(4.0);
    }

    @Test
    void aTimerItsRealTopicRefusesIsSteppedOverAndLaterTicksGoOn() throws Exception {
        long now = clock.millis();
        timer("m0", 0, now + 3_000);
        timer("m1", 1, now + 3_000);
        timer("m2", 0, now + 7_000);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // The first single put (m0's; m1 goes to another queue) is refused for what it is.
        TimerMessageService service =
                new TimerMessageService(refusing(new int[] {1}, PutStatus.MESSAGE_ILLEGAL), wheel, clock, meters);
        service.passOnce();
        clock.advance(Duration.ofMillis(4_500));
        service.passOnce();
        assertThat(meters.get("rocketkube.broker.timer.undeliverable").counter().count())
                .isEqualTo(1.0);
        assertThat(delivered()).hasSize(1);

        clock.advance(Duration.ofMillis(4_000));
        service.passOnce();
        assertThat(delivered())
                .as("the later tick was not held back")
                .hasSize(2)
                .contains("m2");
        assertThat(wheel.pending()).isZero();
    }

    /** Sends a timer message through the router, as the send path does, and waits until it is in the timer queue. */
    private void timer(String body, int queueId, long deliverMs) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(MessageProperties.TAGS, "TagA");
        props.put(TimerProperties.DELIVER_MS, String.valueOf(deliverMs));
        put(router.apply(request(REAL, queueId, body, props)));
    }

    /** A timer-topic record written directly, with a time that may already be past. */
    private void timerTopicRecord(String body, int queueId, long deliverMs) throws Exception {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(TimerProperties.OUT_MS, String.valueOf(deliverMs));
        props.put(MessageProperties.REAL_TOPIC, REAL);
        props.put(MessageProperties.REAL_QUEUE_ID, String.valueOf(queueId));
        put(request(TopicNames.TIMER_TOPIC, 0, body, props));
    }

    private void put(MessageRecordRequest r) throws Exception {
        assertThat(r.topic()).isEqualTo(TopicNames.TIMER_TOPIC);
        assertThat(store.put(r).get().status()).isEqualTo(PutStatus.PUT_OK);
        int expected = ++timersStored;
        await().until(() -> store.maxOffset(TopicNames.TIMER_TOPIC, 0) == expected);
    }

    private static MessageRecordRequest request(String topic, int queueId, String body, Map<String, String> props) {
        return MessageRecordRequest.builder(topic, queueId, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                .properties(PropertiesCodec.encode(props))
                .build();
    }

    /** The store, with its single puts (not its batches) refused with {@code status} while {@code left[0]} > 0. */
    private MessageStore refusing(int[] left, PutStatus status) {
        return (MessageStore) Proxy.newProxyInstance(
                MessageStore.class.getClassLoader(), new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") && left[0]-- > 0) {
                        return CompletableFuture.completedFuture(PutResult.refused(status, "test"));
                    }
                    return method.invoke(store, args);
                });
    }

    /**
     * Bodies in the real topic, queue 0 then queue 1, once the dispatcher has indexed everything stored so far:
     * a marker put to queue 2 afterwards is dispatched after all of it.
     */
    private List<String> delivered() throws Exception {
        long markers = store.maxOffset(REAL, 2);
        assertThat(store.put(request(REAL, 2, "marker", Map.of())).get().status())
                .isEqualTo(PutStatus.PUT_OK);
        await().until(() -> store.maxOffset(REAL, 2) == markers + 1);
        List<String> out = new ArrayList<>();
        for (int q = 0; q < 2; q++) {
            try (GetResult r = store.get(REAL, q, 0, 100, 1 << 20, MessageFilter.ALL)) {
                for (MessageSlice s : r.messages()) {
                    RecordDecodeResult d = StoredMessageDecoder.decode(
                            s.view(), s.view().position(), s.view().limit(), Integer.MAX_VALUE, false);
                    out.add(StandardCharsets.UTF_8
                            .decode(((RecordDecodeResult.Decoded) d).record().body())
                            .toString());
                }
            }
        }
        return out;
    }
}
