package io.rocketkube.broker.transaction;

import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.TagsCodeResolver;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The records a half turns into: the committed message in its real topic, a check-back copy in the half
 * queue, the discarded message in {@code TRANS_CHECK_MAX_TIME_TOPIC}, and a discarded one put back. Each keeps the half's body, flag,
 * born time and host, and its properties except as said per method.
 *
 * <p>Stateless; thread-safe.
 */
final class HalfRecords {
    private HalfRecords() {}

    /** The real topic and queue of a half, validated (a half we parked always has legal ones). */
    record RealDestination(String topic, int queueId) {}

    static RealDestination realDestination(MessageRecord half) {
        String topic = half.property(MessageProperties.REAL_TOPIC);
        String queue = half.property(MessageProperties.REAL_QUEUE_ID);
        if (topic == null || TopicNames.problem(topic) != null || queue == null) {
            return null;
        }
        try {
            int queueId = Integer.parseInt(queue.trim());
            return queueId < 0 ? null : new RealDestination(topic, queueId);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The committed message (4.9's endMessageTransaction): real topic and queue, transaction type COMMIT,
     * PREPAREDTRANSACTIONOFFSET = the half's CommitLog offset. Unlike 4.9, {@code TRAN_MSG} is removed from the
     * stored properties (4.9 clears it only from its in-memory map and stores it anyway): a consumer that
     * re-sends the message it got must not make it a half again. {@code TRAN_PREPARED_QUEUE_OFFSET} names the
     * chain, which lets a restart tell that a commit was already written (see EndTransactionProcessor).
     * {@code WAIT} is false, as 4.9 stores it: a SYNC_MASTER does not hold the commit for a slave
     * (docs/replication.md, "Puts the broker makes itself").
     */
    static MessageRecordRequest commit(MessageRecord half, RealDestination real, long origin) {
        Map<String, String> properties = PropertiesCodec.decode(half.properties());
        properties.remove(MessageProperties.TRANSACTION_PREPARED);
        properties.remove(HalfMessage.RESUMED_FROM);
        properties.put(MessageProperties.WAIT_STORE_MSG_OK, "false");
        properties.put(MessageProperties.TRANSACTION_PREPARED_QUEUE_OFFSET, Long.toString(origin));
        return rebuilt(
                        half,
                        real.topic(),
                        real.queueId(),
                        properties,
                        MessageSysFlag.withTransactionType(half.sysFlag(), MessageSysFlag.TRANSACTION_COMMIT_TYPE))
                .preparedTransactionOffset(half.physicalOffset())
                .build();
    }

    /** A check-back copy: the half again, with its check count and its chain's origin. */
    static MessageRecordRequest copy(MessageRecord half, long origin, int checkTimes) {
        Map<String, String> properties = PropertiesCodec.decode(half.properties());
        properties.put(MessageProperties.TRANSACTION_CHECK_TIMES, Integer.toString(checkTimes));
        properties.put(MessageProperties.TRANSACTION_PREPARED_QUEUE_OFFSET, Long.toString(origin));
        return rebuilt(half, HalfMessage.TOPIC, HalfMessage.QUEUE_ID, properties, half.sysFlag())
                .build();
    }

    /** The half as 4.9 discards it: unchanged, in {@code TRANS_CHECK_MAX_TIME_TOPIC} queue 0. */
    static MessageRecordRequest discarded(MessageRecord half) {
        return rebuilt(
                        half,
                        TopicNames.TRANS_CHECK_MAX_TIME_TOPIC,
                        0,
                        PropertiesCodec.decode(half.properties()),
                        half.sysFlag())
                .build();
    }

    /**
     * A discarded half put back into the half queue ({@link ResumeCheckProcessor}): check count 0 and no origin, so
     * it starts a chain of its own (the discarded chain stays settled) and is checked at the next round; it names the
     * discarded record in {@link HalfMessage#RESUMED_FROM}.
     */
    static MessageRecordRequest resumed(MessageRecord discarded) {
        Map<String, String> properties = PropertiesCodec.decode(discarded.properties());
        properties.put(MessageProperties.TRANSACTION_CHECK_TIMES, "0");
        properties.remove(MessageProperties.TRANSACTION_PREPARED_QUEUE_OFFSET);
        properties.put(HalfMessage.RESUMED_FROM, Long.toString(discarded.physicalOffset()));
        return rebuilt(discarded, HalfMessage.TOPIC, HalfMessage.QUEUE_ID, properties, discarded.sysFlag())
                .build();
    }

    /**
     * The index fields (tags code, keys, UNIQ_KEY) follow from the properties as the send path derives them,
     * so that a crash's index rebuild agrees with what the put indexed.
     */
    private static MessageRecordRequest.Builder rebuilt(
            MessageRecord half, String topic, int queueId, Map<String, String> properties, int sysFlag) {
        String tags = properties.get(MessageProperties.TAGS);
        // A copy of the body: the half may sit in a mapping that is released before the put encodes it.
        return MessageRecordRequest.builder(topic, queueId, java.nio.ByteBuffer.wrap(half.bodyBytes()))
                .flag(half.flag())
                .sysFlag(sysFlag)
                .bornTimestamp(half.bornTimestamp())
                .bornHost(half.bornHost())
                .properties(PropertiesCodec.encode(properties))
                .reconsumeTimes(half.reconsumeTimes())
                .tagsCode(TagsCodeResolver.ofTags(tags))
                .keys(keys(properties.get(MessageProperties.KEYS)))
                .uniqKey(properties.get(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                .waitStoreMsgOk(true);
    }

    private static List<String> keys(String keys) {
        if (keys == null || keys.isBlank()) {
            return List.of();
        }
        return Arrays.stream(keys.split(MessageProperties.KEY_SEPARATOR))
                .filter(k -> !k.isEmpty())
                .toList();
    }
}
