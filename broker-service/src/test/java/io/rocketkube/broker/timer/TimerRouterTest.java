package io.rocketkube.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.store.MessageRecordRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routing decision alone: which properties make a timer, what is stored, what is refused. */
class TimerRouterTest {
    private static final long NOW = 1_700_000_000_000L;
    private final TimerRouter router = new TimerRouter(
            new TimerSettings(true, 1000, 3600), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

    @Test
    void delaySecondsWinsOverDelayMillisWhichWinsOverDeliverTime() {
        MessageRecordRequest r = router.apply(record(
                "T",
                3,
                "TIMER_DELAY_SEC\u00012\u0002TIMER_DELAY_MS\u00015000" + "\u0002TIMER_DELIVER_MS\u0001"
                        + (NOW + 9000)));
        Map<String, String> p = PropertiesCodec.decode(r.properties());
        assertThat(r.topic()).isEqualTo("rmq_sys_wheel_timer");
        assertThat(r.queueId()).isZero();
        assertThat(p)
                .containsEntry("TIMER_OUT_MS", String.valueOf(NOW + 2000))
                .containsEntry("REAL_TOPIC", "T")
                .containsEntry("REAL_QID", "3");
        assertThat(PropertiesCodec.decode(router.apply(
                                record("T", 0, "TIMER_DELAY_MS\u00015000\u0002TIMER_DELIVER_MS\u0001" + (NOW + 9000)))
                        .properties()))
                .containsEntry("TIMER_OUT_MS", String.valueOf(NOW + 5000));
    }

    @Test
    void aDelayLevelOrAnAlreadyTimedRecordIsNotTimedAgain() {
        MessageRecordRequest scheduled = record("SCHEDULE_TOPIC_XXXX", 1, "DELAY\u00012\u0002TIMER_DELAY_SEC\u00015");
        MessageRecordRequest r = router.apply(scheduled);
        assertThat(r.topic()).isEqualTo("SCHEDULE_TOPIC_XXXX");
        assertThat(PropertiesCodec.decode(r.properties())).doesNotContainKey("TIMER_DELAY_SEC");
        MessageRecordRequest forwarded =
                record("T", 0, "TIMER_OUT_MS\u0001" + (NOW + 5000) + "\u0002TIMER_DELAY_SEC\u00015");
        assertThat(router.apply(forwarded)).isSameAs(forwarded);
    }

    @Test
    void pastTimesAreStoredAsTheyAreAndBadOnesRefused() {
        MessageRecordRequest past = record("T", 0, "TIMER_DELIVER_MS\u0001" + (NOW - 1));
        assertThat(router.apply(past)).isSameAs(past);
        MessageRecordRequest atMax = router.apply(record("T", 0, "TIMER_DELAY_SEC\u00013600"));
        assertThat(atMax.topic()).isEqualTo("rmq_sys_wheel_timer");
        for (String bad : new String[] {
            "TIMER_DELAY_SEC\u00013601",
            "TIMER_DELAY_MS\u0001x",
            "TIMER_DELIVER_MS\u00011e9",
            "TIMER_DELAY_SEC\u0001" + Long.MAX_VALUE
        }) {
            assertThatThrownBy(() -> router.apply(record("T", 0, bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(
                            RequestRejectedException.class,
                            e -> assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL))
                    .hasMessageContaining("max delay 3600000ms");
        }
    }

    @Test
    void aTimerCancelIsTimedLikeItsTimerAndRefusedWhenItsTimeIsPast() {
        MessageRecordRequest marker = router.apply(record(
                "T", 1, "TIMER_DELIVER_MS\u0001" + (NOW + 5000) + "\u0002TIMER_DEL_UNIQKEY\u0001T+AC1100010001"));
        assertThat(marker.topic()).isEqualTo(TopicNames.TIMER_TOPIC);
        assertThat(PropertiesCodec.decode(marker.properties()))
                .containsEntry("TIMER_OUT_MS", String.valueOf(NOW + 5000))
                .containsEntry("TIMER_DEL_UNIQKEY", "T+AC1100010001")
                .containsEntry("REAL_TOPIC", "T");

        assertThatThrownBy(() -> router.apply(record(
                        "T", 0, "TIMER_DELIVER_MS\u0001" + (NOW - 1) + "\u0002TIMER_DEL_UNIQKEY\u0001T+AC1100010001")))
                .isInstanceOfSatisfying(
                        RequestRejectedException.class,
                        e -> assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_ILLEGAL))
                .hasMessageContaining("if set del msg");
    }

    private static MessageRecordRequest record(String topic, int queueId, String properties) {
        return MessageRecordRequest.builder(topic, queueId, ByteBuffer.wrap(new byte[] {1}))
                .properties(properties)
                .build();
    }
}
