package io.rocketkube.broker.schedule;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.TagsCodeResolver;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record a due scheduled message becomes (the reference's {@code messageTimeup}): the same body, flag,
 * sysFlag, born timestamp and host and reconsume count, in the topic and queue named by {@code REAL_TOPIC}
 * and {@code REAL_QID}, which stay in the properties (consumers and the retry path read them); {@code DELAY}
 * is removed, so a consumer forwarding the message does not delay it again, and {@code WAIT} is false. The
 * store gives it a new store time, physical offset and offset msgId.
 *
 * <p>The re-put itself is asked to wait for durability under SYNC_FLUSH (the store request's flag, not the
 * property): the level's position only moves past a message once its copy is as safe as a send would be.
 */
public final class TimeUp {
    private TimeUp() {}

    /** The re-put for {@code scheduled}, or empty if it names no valid real topic and queue. */
    public static Optional<MessageRecordRequest> of(MessageRecord scheduled) {
        return of(scheduled, Map.of());
    }

    /** As {@link #of(MessageRecord)}, with {@code extra} properties set on the copy (the timer's stamps). */
    public static Optional<MessageRecordRequest> of(MessageRecord scheduled, Map<String, String> extra) {
        Map<String, String> properties = PropertiesCodec.decode(scheduled.properties());
        properties.putAll(extra);
        String topic = properties.get(MessageProperties.REAL_TOPIC);
        String queue = properties.get(MessageProperties.REAL_QUEUE_ID);
        if (topic == null || topic.isEmpty() || queue == null) {
            return Optional.empty();
        }
        int queueId;
        try {
            queueId = Integer.parseInt(queue);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (queueId < 0) {
            return Optional.empty();
        }
        properties.remove(MessageProperties.DELAY_TIME_LEVEL);
        return Optional.of(copy(scheduled, topic, queueId, properties));
    }

    /**
     * {@code scheduled} as a record of {@code topic}/{@code queueId} with {@code properties} (the timer
     * service's re-put too); {@code WAIT} false, durable under SYNC_FLUSH as explained above.
     */
    public static MessageRecordRequest copy(
            MessageRecord scheduled, String topic, int queueId, Map<String, String> properties) {
        properties.put(MessageProperties.WAIT_STORE_MSG_OK, "false");
        String tags = properties.get(MessageProperties.TAGS);
        return MessageRecordRequest.builder(topic, queueId, scheduled.body())
                .flag(scheduled.flag())
                .sysFlag(scheduled.sysFlag())
                .bornTimestamp(scheduled.bornTimestamp())
                .bornHost(scheduled.bornHost())
                .properties(PropertiesCodec.encode(properties))
                .reconsumeTimes(scheduled.reconsumeTimes())
                .preparedTransactionOffset(scheduled.preparedTransactionOffset())
                .tagsCode(TagsCodeResolver.ofTags(tags))
                .keys(keys(properties.get(MessageProperties.KEYS)))
                .uniqKey(properties.get(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                .waitStoreMsgOk(true)
                .build();
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
