package io.rocketkube.broker.schedule;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.PropertiesEdit;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.TagsCodeResolver;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The record a due scheduled message becomes (the reference's {@code messageTimeup}): the same body, flag,
 * sysFlag, born timestamp and host and reconsume count, in the topic and queue named by {@code REAL_TOPIC}
 * and {@code REAL_QID}, which stay in the properties (consumers and the retry path read them); {@code DELAY}
 * is removed, so a consumer forwarding the message does not delay it again, and {@code WAIT} is false. The
 * store gives it a new store time, physical offset and offset msgId.
 *
 * <p>The properties are edited as a string ({@link PropertiesEdit}), not decoded into a map and encoded
 * again: every delayed message passes here once and the map round trip was most of the delivery's own CPU.
 *
 * <p>The re-put itself is asked to wait for durability under SYNC_FLUSH (the store request's flag, not the
 * property): the level's position only moves past a message once its copy is as safe as a send would be.
 */
public final class TimeUp {
    private static final String[] DELAY = {MessageProperties.DELAY_TIME_LEVEL};

    private TimeUp() {}

    /**
     * The re-put for {@code scheduled}, or empty if it names no valid real topic and queue; {@code extra}
     * (key, value pairs) are set on the copy (the timer's stamps).
     */
    public static Optional<MessageRecordRequest> of(MessageRecord scheduled, String... extra) {
        String properties = scheduled.properties();
        String topic = PropertiesCodec.find(properties, MessageProperties.REAL_TOPIC);
        String queue = PropertiesCodec.find(properties, MessageProperties.REAL_QUEUE_ID);
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
        return Optional.of(copy(scheduled, topic, queueId, DELAY, extra));
    }

    /**
     * {@code scheduled} as a record of {@code topic}/{@code queueId} without the properties {@code remove}
     * and with {@code set} (key, value pairs; the timer service's roll too); {@code WAIT} false, durable under
     * SYNC_FLUSH as explained above.
     */
    public static MessageRecordRequest copy(
            MessageRecord scheduled, String topic, int queueId, String[] remove, String... set) {
        String[] withWait = Arrays.copyOf(set, set.length + 2);
        withWait[set.length] = MessageProperties.WAIT_STORE_MSG_OK;
        withWait[set.length + 1] = "false";
        String properties = PropertiesEdit.edit(scheduled.properties(), remove, withWait);
        return MessageRecordRequest.builder(topic, queueId, scheduled.body())
                .flag(scheduled.flag())
                .sysFlag(scheduled.sysFlag())
                .bornTimestamp(scheduled.bornTimestamp())
                .bornHost(scheduled.bornHost())
                .properties(properties)
                .reconsumeTimes(scheduled.reconsumeTimes())
                .preparedTransactionOffset(scheduled.preparedTransactionOffset())
                .tagsCode(TagsCodeResolver.ofTags(PropertiesCodec.find(properties, MessageProperties.TAGS)))
                .keys(keys(PropertiesCodec.find(properties, MessageProperties.KEYS)))
                .uniqKey(PropertiesCodec.find(properties, MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
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
