package io.rocketkube.broker.schedule;

import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.PropertiesEdit;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.store.MessageRecordRequest;
import java.util.function.UnaryOperator;

/**
 * Sends a delayed message the long way round (docs/protocol.md §5.7): a message whose {@code DELAY}
 * property names a level above 0 is stored in {@code SCHEDULE_TOPIC_XXXX}, queue level − 1, with its real
 * topic and queue kept in {@code REAL_TOPIC} and {@code REAL_QID}; {@link ScheduleDeliveryService} puts it
 * back when due. The send and send-back paths call {@link #apply} on the record they are about to store, so
 * the decision lives here and not in either processor.
 *
 * <p>What is not delayed, as in the reference: a level of 0 or below, transaction half and rollback records
 * (only NOT and COMMIT records are scheduled), and anything bound for a dead-letter topic (a retry that ran
 * out of attempts goes there at once). A level above the highest is clamped to it. A {@code DELAY} that is
 * not a number is refused with MESSAGE_ILLEGAL before anything is stored (the reference fails such a send
 * with an exception; a clear refusal says the same).
 */
public final class ScheduleRouter implements UnaryOperator<MessageRecordRequest> {
    private final DelayLevels levels;

    public ScheduleRouter(DelayLevels levels) {
        this.levels = levels;
    }

    @Override
    public MessageRecordRequest apply(MessageRecordRequest r) {
        String delay = PropertiesCodec.find(r.properties(), MessageProperties.DELAY_TIME_LEVEL);
        if (delay == null) {
            return r;
        }
        int level = parseLevel(delay);
        if (level <= 0
                || !MessageSysFlag.isDispatchedToConsumeQueue(r.sysFlag())
                || r.topic().startsWith(TopicNames.DLQ_PREFIX)
                || r.topic().equals(TopicNames.SCHEDULE_TOPIC)) {
            return r;
        }
        int clamped = levels.clamp(level);
        String properties = PropertiesEdit.set(
                r.properties(),
                MessageProperties.REAL_TOPIC,
                r.topic(),
                MessageProperties.REAL_QUEUE_ID,
                String.valueOf(r.queueId()),
                MessageProperties.DELAY_TIME_LEVEL,
                String.valueOf(clamped));
        return MessageRecordRequest.builder(TopicNames.SCHEDULE_TOPIC, DelayLevels.queueId(clamped), r.body())
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

    /**
     * The queue the sender asked for: a SEND answer names it even for a delayed or timer message (the
     * reference does), not the schedule or timer queue the record went to.
     */
    public static int requestedQueueId(MessageRecordRequest r) {
        if (!TopicNames.SCHEDULE_TOPIC.equals(r.topic()) && !TopicNames.TIMER_TOPIC.equals(r.topic())) {
            return r.queueId();
        }
        String real = PropertiesCodec.find(r.properties(), MessageProperties.REAL_QUEUE_ID);
        try {
            return real == null ? r.queueId() : Integer.parseInt(real);
        } catch (NumberFormatException e) {
            return r.queueId();
        }
    }

    /**
     * A batch cannot be delayed (the reference refuses it too: its records share one queue, and a schedule
     * queue is per level). Refuses a batch whose shared properties ask for a delay.
     */
    public static void checkBatchProperties(String batchProperties) {
        String delay = PropertiesCodec.find(batchProperties, MessageProperties.DELAY_TIME_LEVEL);
        if (delay != null && parseLevel(delay) > 0) {
            throw new RequestRejectedException(
                    ResponseCode.MESSAGE_ILLEGAL, "TimeDelayLevel is not supported for batched messages");
        }
    }

    static int parseLevel(String delay) {
        try {
            return Integer.parseInt(delay.trim());
        } catch (NumberFormatException e) {
            throw new RequestRejectedException(
                    ResponseCode.MESSAGE_ILLEGAL,
                    "the delay level[" + delay + "] of property " + MessageProperties.DELAY_TIME_LEVEL
                            + " is not a number");
        }
    }
}
