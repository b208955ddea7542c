package io.rocketkube.broker.transaction;

import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.store.MessageRecordRequest;
import java.util.Map;

/**
 * How a transactional half message is parked and read back (docs/protocol.md §5.9). A send with
 * {@code TRAN_MSG=true} is stored in {@code RMQ_SYS_TRANS_HALF_TOPIC} queue 0 with its real topic and queue in
 * {@code REAL_TOPIC}/{@code REAL_QID} and its transaction type reset to NOT, so the half queue gets a
 * ConsumeQueue entry (the check-back scans it) while no consumer of the real topic can see it: exactly what
 * 4.9 does.
 *
 * <p><b>Chains.</b> A check-back re-appends the half (a copy with {@code TRANSACTION_CHECK_TIMES} + 1, RocketMQ's
 * way to let the scan progress advance past it). All records of one transaction form a chain named by its
 * <em>origin</em>: the half queue offset of the first record. Copies carry it in
 * {@code TRAN_PREPARED_QUEUE_OFFSET} (the property 4.9 uses for the same purpose on its immunity copies). A chain
 * is settled once, whichever of its records the END_TRANSACTION names, which is what keeps a commit that
 * crosses a check-back from being delivered twice.
 *
 * <p>Stateless; thread-safe.
 */
public final class HalfMessage {
    public static final String TOPIC = TopicNames.TRANS_HALF_TOPIC;
    public static final int QUEUE_ID = 0;
    /**
     * On a half put back by RESUME_CHECK_HALF_MESSAGE (and its copies): the CommitLog offset of the discarded record
     * it came from, so a second resume of that record can be refused. Ours, not RocketMQ's; not stored with the
     * committed message.
     */
    static final String RESUMED_FROM = "TRAN_RESUMED_FROM";

    private HalfMessage() {}

    /** Where a single send is stored: its resolved topic and queue, or the half queue for a half message. */
    public record Destination(String topic, int queueId, int sysFlag) {}

    /**
     * Where a send resolved to {@code topic}/{@code queueId} is stored. A half message is parked: its real
     * destination is added to {@code properties} and it goes to the half queue with type NOT.
     */
    public static Destination destination(Map<String, String> properties, String topic, int queueId, int sysFlag) {
        if (!isHalf(properties)) {
            return new Destination(topic, queueId, sysFlag);
        }
        park(properties, topic, queueId);
        return new Destination(TOPIC, QUEUE_ID, storedSysFlag(sysFlag));
    }

    /** Whether a send's properties make it a half message. */
    public static boolean isHalf(Map<String, String> properties) {
        return "true".equals(properties.get(MessageProperties.TRANSACTION_PREPARED));
    }

    /** Records the real destination in the properties of a send that is about to be parked. */
    public static void park(Map<String, String> properties, String realTopic, int realQueueId) {
        properties.put(MessageProperties.REAL_TOPIC, realTopic);
        properties.put(MessageProperties.REAL_QUEUE_ID, String.valueOf(realQueueId));
    }

    /** The SYSFLAG a half is stored with: type NOT, so the half queue indexes it. */
    public static int storedSysFlag(int sentSysFlag) {
        return MessageSysFlag.withTransactionType(sentSysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
    }

    /** The queue id a SEND answer names: the real one for a parked half, as 4.9 answers. */
    public static int answeredQueueId(MessageRecordRequest stored) {
        if (!TOPIC.equals(stored.topic())) {
            return stored.queueId();
        }
        String real = PropertiesCodec.find(stored.properties(), MessageProperties.REAL_QUEUE_ID);
        try {
            return real == null ? stored.queueId() : Integer.parseInt(real);
        } catch (NumberFormatException e) {
            return stored.queueId();
        }
    }

    /** Whether a stored record is a half of the half queue (not a forged commit target). */
    static boolean isStoredHalf(MessageRecord record) {
        return TOPIC.equals(record.topic())
                && record.queueId() == QUEUE_ID
                && "true".equals(record.property(MessageProperties.TRANSACTION_PREPARED))
                && record.property(MessageProperties.REAL_TOPIC) != null
                && record.property(MessageProperties.REAL_QUEUE_ID) != null;
    }

    /** The chain a half record belongs to: its origin's queue offset. */
    static long origin(MessageRecord half) {
        Long origin = parseLong(half.property(MessageProperties.TRANSACTION_PREPARED_QUEUE_OFFSET));
        return origin == null || origin < 0 || origin > half.queueOffset() ? half.queueOffset() : origin;
    }

    /** Check-backs already sent for this chain. */
    static int checkTimes(MessageRecord half) {
        Long times = parseLong(half.property(MessageProperties.TRANSACTION_CHECK_TIMES));
        return times == null || times < 0 ? 0 : (int) Math.min(times, Integer.MAX_VALUE);
    }

    /**
     * How old (since the producer made it) a half must be before its first check: the producer's
     * {@code CHECK_IMMUNITY_TIME_IN_SECONDS} when set, shorter or longer than the broker's timeout (RocketMQ
     * lets it replace the timeout either way), else the timeout. Zero or less (RocketMQ's -1) means the timeout.
     */
    static long firstCheckAgeMillis(MessageRecord half, long timeoutMillis) {
        Long seconds = parseLong(half.property(MessageProperties.CHECK_IMMUNITY_TIME_IN_SECONDS));
        if (seconds == null || seconds <= 0 || seconds > Integer.MAX_VALUE) {
            return timeoutMillis;
        }
        return seconds * 1000;
    }

    private static Long parseLong(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
