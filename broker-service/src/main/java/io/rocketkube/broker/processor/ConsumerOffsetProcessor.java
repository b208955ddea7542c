package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * QUERY_CONSUMER_OFFSET and UPDATE_CONSUMER_OFFSET (§5.5). A group with no commit on a queue that never
 * lost data starts at 0 (what the reference answers on a fresh broker); otherwise QUERY_NOT_FOUND lets the
 * client apply its consumeFromWhere.
 */
public final class ConsumerOffsetProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.QUERY_CONSUMER_OFFSET, RequestCode.UPDATE_CONSUMER_OFFSET};

    private final ConsumerOffsetManager offsets;
    private final TopicConfigManager topics;
    private final MessageStore store;

    public ConsumerOffsetProcessor(ConsumerOffsetManager offsets, TopicConfigManager topics, MessageStore store) {
        this.offsets = offsets;
        this.topics = topics;
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String group = Responses.legalGroup(h.string("consumerGroup"));
        String topic = Responses.legalTopic(h.string("topic"));
        int queueId = h.intValue("queueId");
        if (request.code() == RequestCode.UPDATE_CONSUMER_OFFSET) {
            long offset = h.longValue("commitOffset");
            Optional<TopicConfig> config = topics.find(topic);
            if (config.isEmpty()) {
                return Responses.error(request, ResponseCode.TOPIC_NOT_EXIST, "topic[" + topic + "] not exist");
            }
            // Kept for good in the offsets file and served to every consumer of the group: refused here rather
            // than stored as a queue that cannot exist or an offset no queue has.
            int queues = Math.max(config.get().readQueueNums(), config.get().writeQueueNums());
            if (queueId < 0 || queueId >= queues) {
                return Responses.error(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        "queueId " + queueId + " is out of range: topic[" + topic + "] has " + queues + " queues");
            }
            if (offset < 0) {
                return Responses.error(request, ResponseCode.SYSTEM_ERROR, "commitOffset " + offset + " is negative");
            }
            offsets.commit(group, topic, queueId, offset);
            return Responses.ok(request);
        }
        OptionalLong committed = offsets.query(group, topic, queueId);
        if (committed.isPresent()) {
            return CompletableFuture.completedFuture(
                    request.response(ResponseCode.SUCCESS).withExtField("offset", committed.getAsLong()));
        }
        boolean zeroIfNotFound = h.booleanValue("setZeroIfNotFound", true);
        if (zeroIfNotFound && store.minOffset(topic, queueId) <= 0) {
            return CompletableFuture.completedFuture(
                    request.response(ResponseCode.SUCCESS).withExtField("offset", 0));
        }
        return Responses.error(
                request,
                ResponseCode.QUERY_NOT_FOUND,
                "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    }
}
