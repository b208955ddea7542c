package io.rocketkube.broker.timer;

import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.PropertiesEdit;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.store.MessageRecordRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Puts a 5.x timer message aside (docs/scheduled-delivery.md): a message carrying {@code TIMER_DELAY_SEC},
 * {@code TIMER_DELAY_MS} or {@code TIMER_DELIVER_MS} (looked at in that order, as the reference does) whose
 * time is in the future is stored in {@code rmq_sys_wheel_timer} queue 0 with {@code TIMER_OUT_MS} (its
 * delivery time, epoch ms), {@code REAL_TOPIC} and {@code REAL_QID}; {@link TimerMessageService} puts it
 * back when due. Runs after the delay-level router: a message that also has a delay level goes by the level,
 * and its timer properties are dropped (the reference does the same).
 *
 * <p>As the reference: a time not in the future stores the message as it is (delivered at once); a value
 * that is not a number, or a time more than {@code timerMaxDelaySec} ahead, is refused MESSAGE_ILLEGAL with
 * the reference's remark before anything is stored; with timers disabled, SYSTEM_ERROR. Only plain and
 * committed records are timed; a record already bearing {@code TIMER_OUT_MS} (a delivered timer forwarded
 * again) is not timed twice.
 *
 * <p>A cancel marker ({@code TIMER_DEL_UNIQKEY} = {@code <topic>+<uniqKey>} or the bare uniqKey, with the
 * same delivery time as the timer it cancels) is timed like any timer, and {@link TimerMessageService} drops
 * it and the timer it names when their tick comes; a marker whose time is not in the future is refused with
 * the reference's remark ("if set del msg, the delay time should be bigger than the current time").
 *
 * <p>Unlike the reference, the time is not rounded down to the precision (which can deliver up to one
 * precision early); the wheel rounds it up, so a timer never arrives before its time.
 */
public final class TimerRouter implements UnaryOperator<MessageRecordRequest> {
    private static final String[] TIMER_KEYS = {
        TimerProperties.DELIVER_MS, TimerProperties.DELAY_SEC, TimerProperties.DELAY_MS
    };
    /** What delivery adds to a timer's properties, at most ({@link #roomForDeliveryStamps}), rounded up. */
    static final int DELIVERY_STAMPS_BYTES = 128;

    private final TimerSettings settings;
    private final Clock clock;

    public TimerRouter(TimerSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public MessageRecordRequest apply(MessageRecordRequest r) {
        String props = r.properties();
        if (props == null
                || !props.contains("TIMER_")
                || !MessageSysFlag.isDispatchedToConsumeQueue(r.sysFlag())
                || TopicNames.TIMER_TOPIC.equals(r.topic())) {
            return r;
        }
        if (TopicNames.SCHEDULE_TOPIC.equals(r.topic())) {
            return withoutTimer(r, props);
        }
        if (PropertiesCodec.find(props, TimerProperties.OUT_MS) != null) {
            return r;
        }
        String sec = PropertiesCodec.find(props, TimerProperties.DELAY_SEC);
        String ms = PropertiesCodec.find(props, TimerProperties.DELAY_MS);
        String at = PropertiesCodec.find(props, TimerProperties.DELIVER_MS);
        if (sec == null && ms == null && at == null) {
            return r;
        }
        if (!settings.enabled()) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR, "accurate timer message is not enabled, timerWheelEnable is false");
        }
        long now = clock.millis();
        long deliverMs = deliverMs(sec, ms, at, now);
        if (deliverMs <= now) {
            if (PropertiesCodec.find(props, TimerProperties.DEL_UNIQKEY) != null) {
                // A cancel marker only acts in the wheel: delivered at once it would reach consumers.
                throw illegal();
            }
            return r;
        }
        if (deliverMs - now > settings.maxDelayMs()) {
            throw illegal();
        }
        String timed = PropertiesEdit.set(
                props,
                TimerProperties.OUT_MS,
                String.valueOf(deliverMs),
                MessageProperties.REAL_TOPIC,
                r.topic(),
                MessageProperties.REAL_QUEUE_ID,
                String.valueOf(r.queueId()));
        if (!roomForDeliveryStamps(timed)) {
            throw new RequestRejectedException(
                    ResponseCode.MESSAGE_ILLEGAL,
                    "the message properties leave no room for the timer's delivery stamps: at most "
                            + (StoredMessageLayout.MAX_PROPERTIES_LENGTH - DELIVERY_STAMPS_BYTES)
                            + " bytes with the timer's own");
        }
        return copy(r, TopicNames.TIMER_TOPIC, 0, timed);
    }

    /**
     * Whether the copy delivered later (with TIMER_ENQUEUE_MS, TIMER_DEQUEUE_MS, TIMER_ROLL_TIMES and WAIT)
     * still fits the store's properties limit: refused now, the send fails; refused at delivery, the timer
     * could never be delivered.
     */
    private static boolean roomForDeliveryStamps(String properties) {
        int limit = StoredMessageLayout.MAX_PROPERTIES_LENGTH - DELIVERY_STAMPS_BYTES;
        return properties.length() * 3 <= limit || properties.getBytes(StandardCharsets.UTF_8).length <= limit;
    }

    /** The delivery time the first present of the three properties names (the reference's order). */
    private long deliverMs(String sec, String ms, String at, long now) {
        try {
            if (sec != null) {
                return Math.addExact(now, Math.multiplyExact(Long.parseLong(sec.trim()), 1000L));
            }
            if (ms != null) {
                return Math.addExact(now, Long.parseLong(ms.trim()));
            }
            return Long.parseLong(at.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            throw illegal();
        }
    }

    /** The reference's answer to WHEEL_TIMER_MSG_ILLEGAL, word for word (clients and operators grep for it). */
    private RequestRejectedException illegal() {
        return new RequestRejectedException(
                ResponseCode.MESSAGE_ILLEGAL,
                String.format(
                        "timer message illegal, the delay time should not be bigger than the max delay %dms; or if set del msg,"
                                + " the delay time should be bigger than the current time",
                        settings.maxDelayMs()));
    }

    private static MessageRecordRequest withoutTimer(MessageRecordRequest r, String props) {
        if (PropertiesCodec.find(props, TimerProperties.DELIVER_MS) == null
                && PropertiesCodec.find(props, TimerProperties.DELAY_SEC) == null
                && PropertiesCodec.find(props, TimerProperties.DELAY_MS) == null) {
            return r;
        }
        return copy(r, r.topic(), r.queueId(), PropertiesEdit.edit(props, TIMER_KEYS));
    }

    private static MessageRecordRequest copy(MessageRecordRequest r, String topic, int queueId, String properties) {
        return MessageRecordRequest.builder(topic, queueId, r.body())
                .flag(r.flag())
                .sysFlag(r.sysFlag())
                .bornTimestamp(r.bornTimestamp())
                .bornHost(r.bornHost())
                .properties(properties)
                .reconsumeTimes(r.reconsumeTimes())
                .preparedTransactionOffset(r.preparedTransactionOffset())
                .tagsCode(r.tagsCode())
                .keys(r.keys())
                .uniqKey(r.uniqKey())
                .waitStoreMsgOk(r.waitStoreMsgOk())
                .build();
    }
}
