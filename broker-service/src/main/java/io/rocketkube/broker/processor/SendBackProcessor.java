package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.TagsCodeResolver;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * CONSUMER_SEND_MSG_BACK (§5.6): a message the consumer failed goes to the group's retry topic, or to its
 * dead-letter topic once its retries are exhausted (or the client asked for it with delay level -1).
 *
 * <p>The retry is stored with WAIT=true, unlike the reference (which acknowledges it before it is durable):
 * the consumer treats the answer as the message being safe and moves its offset past the original, so under
 * SYNC_FLUSH the answer waits for the flush exactly as a send does, and a flush that times out is answered
 * FLUSH_DISK_TIMEOUT (the consumer then retries the send-back, or consumes again locally).
 *
 * <p>A retry carries the delay level {@code 3 + reconsumeTimes} (or the level the client asked for) in its
 * {@code DELAY} property, and {@code route} (the schedule router) stores it in SCHEDULE_TOPIC_XXXX, so it
 * reaches the retry topic only when due: the back-off RocketMQ consumers rely on (10 s, 30 s, 1 m, ...).
 */
public final class SendBackProcessor implements RequestProcessor {
    private static final int VERSION_HONOURING_MAX_RECONSUME = 121;

    private final BrokerSettings settings;
    private final MessageStore store;
    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final InetSocketAddress storeHost;
    /** Sends the delayed retry through the schedule topic; identity by default. */
    private final UnaryOperator<MessageRecordRequest> route;

    public SendBackProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            InetSocketAddress storeHost) {
        this(settings, store, topics, groups, storeHost, UnaryOperator.identity());
    }

    public SendBackProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            InetSocketAddress storeHost,
            UnaryOperator<MessageRecordRequest> route) {
        this.route = route;
        this.settings = settings;
        this.store = store;
        this.topics = topics;
        this.groups = groups;
        this.storeHost = storeHost;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        long offset = h.longValue("offset");
        String groupName = Responses.legalGroup(h.string("group"));
        // A group name of 121 to 255 characters makes a retry topic name beyond 127 (and its dead-letter topic's
        // is shorter): refused before anything is created, not when the store refuses the copy after the answer.
        Responses.legalTopic(TopicNames.retryTopic(groupName));
        Responses.legalTopicIfPresent(h.optionalString("originTopic"));
        int delayLevel = h.intValue("delayLevel");
        Integer maxReconsume = h.optionalInt("maxReconsumeTimes");
        if (!settings.isMaster()) {
            // The reference's slave store refuses the put and the send-back answers its status by name.
            throw Responses.reject(
                    ResponseCode.SYSTEM_ERROR,
                    "SERVICE_NOT_AVAILABLE: the broker[" + settings.brokerName()
                            + "] is a slave and does not take messages");
        }
        SubscriptionGroupConfig group = groups.findOrCreate(groupName)
                .orElseThrow(() -> Responses.reject(
                        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group not exist, " + groupName));
        if (group.retryQueueNums() <= 0) {
            return Responses.ok(request);
        }
        MessageSlice slice = store.lookMessageByPhysicalOffset(offset)
                .orElseThrow(
                        () -> Responses.reject(ResponseCode.SYSTEM_ERROR, "look message by offset failed, " + offset));
        RecordDecodeResult decoded = StoredMessageDecoder.decode(
                slice.view(), slice.view().position(), slice.view().limit(), Integer.MAX_VALUE, false);
        if (!(decoded instanceof RecordDecodeResult.Decoded ok)) {
            throw Responses.reject(ResponseCode.SYSTEM_ERROR, "look message by offset failed, " + offset);
        }
        MessageRecord original = ok.record();
        int max = request.version() >= VERSION_HONOURING_MAX_RECONSUME && maxReconsume != null
                ? maxReconsume
                : group.retryMaxTimes();
        String topic;
        int queueId;
        Map<String, String> properties = PropertiesCodec.decode(original.properties());
        properties.putIfAbsent(MessageProperties.RETRY_TOPIC, original.topic());
        properties.putIfAbsent(
                MessageProperties.ORIGIN_MESSAGE_ID, OffsetMsgId.encode(storeHost, original.physicalOffset()));
        properties.put(MessageProperties.WAIT_STORE_MSG_OK, "false");
        if (original.reconsumeTimes() >= max || delayLevel < 0) {
            topic = TopicNames.dlqTopic(groupName);
            topics.createIfAbsent(topic, 1, PermName.READ_WRITE);
            queueId = 0;
            properties.remove(MessageProperties.DELAY_TIME_LEVEL);
        } else {
            topic = TopicNames.retryTopic(groupName);
            int queues = topics.createIfAbsent(topic, group.retryQueueNums(), PermName.READ_WRITE)
                    .writeQueueNums();
            queueId = ThreadLocalRandom.current().nextInt(Math.max(1, queues));
            properties.put(
                    MessageProperties.DELAY_TIME_LEVEL,
                    String.valueOf(delayLevel == 0 ? 3 + original.reconsumeTimes() : delayLevel));
        }
        String tags = properties.get(MessageProperties.TAGS);
        MessageRecordRequest retry = MessageRecordRequest.builder(topic, queueId, original.body())
                .flag(original.flag())
                .sysFlag(original.sysFlag())
                .bornTimestamp(original.bornTimestamp())
                .bornHost(original.bornHost())
                .properties(PropertiesCodec.encode(properties))
                .reconsumeTimes(original.reconsumeTimes() + 1)
                .tagsCode(TagsCodeResolver.ofTags(tags))
                .uniqKey(properties.get(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                .waitStoreMsgOk(true)
                .build();
        return store.put(route.apply(retry)).thenApply(result -> switch (result.status()) {
            case PUT_OK -> request.response(ResponseCode.SUCCESS);
            // Stored but not yet durable: said as such, like a send.
            case FLUSH_DISK_TIMEOUT ->
                request.response(ResponseCode.FLUSH_DISK_TIMEOUT, SendMessageProcessor.refusalRemark(result));
            // SYSTEM_ERROR as the reference broker answers a failed send-back (the client then resends
            // the message itself); the remark says why, e.g. that the disk is full.
            default -> request.response(ResponseCode.SYSTEM_ERROR, SendMessageProcessor.refusalRemark(result));
        });
    }
}
