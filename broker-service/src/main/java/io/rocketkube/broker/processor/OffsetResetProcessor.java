package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ClientChannel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.MessageQueue;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResetOffsetBody;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVOKE_BROKER_TO_RESET_OFFSET (222), what {@code mqadmin resetOffsetByTime} and {@code skipAccumulatedMessage}
 * send to every master of the topic. Per queue of the topic, the target is the offset of the message stored
 * nearest {@code timestamp} (the queue's end for -1); it replaces the group's committed offset only if it moves
 * the group back, or always with {@code isForce}.
 *
 * <p>As in RocketMQ 4.9, the broker does not write those offsets itself: it pushes them to each live consumer of
 * the group (RESET_CONSUMER_CLIENT_OFFSET, oneway), which drops what it holds of those queues and commits the new
 * offsets. A consumer's own periodic commit would otherwise put the old offsets back. A group without a live
 * consumer is answered CONSUMER_NOT_ONLINE, on which the tools commit the offsets themselves
 * (UPDATE_CONSUMER_OFFSET). Refused before anything is sent: an unknown topic, a queue the group never committed
 * on (RocketMQ's "consumer group not exist"), and the 5.x form that names one queue and an offset, which this
 * broker does not serve.
 */
public final class OffsetResetProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.INVOKE_BROKER_TO_RESET_OFFSET};
    private static final Logger LOG = LoggerFactory.getLogger(OffsetResetProcessor.class);

    private final String brokerName;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ConsumerManager consumers;
    private final MessageStore store;

    public OffsetResetProcessor(
            String brokerName,
            TopicConfigManager topics,
            ConsumerOffsetManager offsets,
            ConsumerManager consumers,
            MessageStore store) {
        this.brokerName = brokerName;
        this.topics = topics;
        this.offsets = offsets;
        this.consumers = consumers;
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        String group = Responses.legalGroup(h.string("group"));
        long timestamp = h.longValue("timestamp");
        boolean force = h.booleanValue("isForce", false);
        Integer queueId = h.optionalInt("queueId");
        if (queueId != null && queueId >= 0 && h.optionalLong("offset") != null) {
            return Responses.error(
                    request,
                    ResponseCode.SYSTEM_ERROR,
                    "[reset-offset] resetting one queue to an offset is not supported by this broker;"
                            + " reset the group by time instead");
        }
        Optional<TopicConfig> config = topics.find(topic);
        if (config.isEmpty()) {
            return Responses.error(
                    request,
                    ResponseCode.SYSTEM_ERROR,
                    "[reset-offset] reset offset failed, no topic in this broker. topic=" + topic);
        }
        Map<MessageQueue, Long> targets = new HashMap<>();
        for (int q = 0; q < config.get().writeQueueNums(); q++) {
            OptionalLong committed = offsets.query(group, topic, q);
            if (committed.isEmpty()) {
                return Responses.error(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        "The consumer group <" + group + "> not exist: nothing committed on " + topic + " queue " + q);
            }
            long target = timestamp == -1 ? store.maxOffset(topic, q) : store.offsetByTimestamp(topic, q, timestamp);
            target = Math.max(0, target);
            targets.put(
                    new MessageQueue(topic, brokerName, q),
                    force || target < committed.getAsLong() ? target : committed.getAsLong());
        }
        List<ClientChannel> members = consumers.members(group);
        if (members.isEmpty()) {
            return Responses.error(
                    request,
                    ResponseCode.CONSUMER_NOT_ONLINE,
                    "Consumer not online, so can not reset offset, Group: " + group + " Topic: " + topic
                            + " Timestamp: " + timestamp);
        }
        ResetOffsetBody body = new ResetOffsetBody(targets);
        byte[] encoded = RemotingJson.encode(body);
        for (ClientChannel member : members) {
            RemotingCommand push = RemotingCommand.request(RequestCode.RESET_CONSUMER_CLIENT_OFFSET)
                    .withExtField("topic", topic)
                    .withExtField("group", group)
                    .withExtField("timestamp", timestamp)
                    .withExtField("isForce", force)
                    .withBody(encoded)
                    .markOneway();
            member.channel().writeAndFlush(push).addListener(f -> {
                if (!f.isSuccess()) {
                    LOG.warn(
                            "[reset-offset] could not tell {} of group {} to reset {}",
                            member.clientId(),
                            group,
                            topic,
                            f.cause());
                }
            });
        }
        LOG.info(
                "[reset-offset] group {} topic {} to timestamp {} (force {}) sent to {} consumers: {}",
                group,
                topic,
                timestamp,
                force,
                members.size(),
                body.offsetTable());
        return Responses.json(request, body);
    }
}
