package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.ha.SyncMasterReplication;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.timer.RecallHandle;
import io.rocketkube.broker.timer.TimerProperties;
import io.rocketkube.broker.timer.TimerRouter;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.TagsCodeResolver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * RECALL_MESSAGE (370, RocketMQ 5.3's {@code DefaultMQProducer.recallMessage(topic, recallHandle)}): cancels a
 * pending timer message by its {@link RecallHandle}. The recall is a cancel marker (docs/scheduled-delivery.md,
 * "Cancel") timed at the handle's time, so it lands in the timer's tick and the timer is not delivered; it is
 * stored, replicated and recovered like any timer, and answered SUCCESS with the timer's uniqKey once stored (under
 * SYNC_MASTER, once a slave has it too, as a send).
 *
 * <p>Refusals, with RocketMQ 5.3's codes and remarks: recall switched off ({@code recall-message-enable}) →
 * NO_PERMISSION; a slave → SLAVE_NOT_AVAILABLE; an unknown topic → TOPIC_NOT_EXIST; a handle that does not decode,
 * names another topic or broker, or a time that has passed or lies beyond {@code timer-max-delay-sec} →
 * ILLEGAL_OPERATION. Nothing is stored then. As in RocketMQ, a recall that comes once the timer's tick is being
 * delivered (within about the precision of its time) cannot stop it, and a handle of a timer already delivered or
 * recalled is still answered SUCCESS: the marker then cancels nothing.
 */
public final class RecallMessageProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.RECALL_MESSAGE};
    /** RocketMQ's tag and body of a recall marker. */
    static final String RECALL_TAG = "_RECALL_TAG_";

    private static final byte[] MARKER_BODY = "0".getBytes(StandardCharsets.UTF_8);

    private final BrokerSettings settings;
    private final TopicConfigManager topics;
    private final TimerRouter router;
    private final MessageStore store;
    private final SyncMasterReplication replication;
    private final Clock clock;

    public RecallMessageProcessor(
            BrokerSettings settings,
            TopicConfigManager topics,
            TimerRouter router,
            MessageStore store,
            SyncMasterReplication replication,
            Clock clock) {
        this.settings = settings;
        this.topics = topics;
        this.router = router;
        this.store = store;
        this.replication = replication;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (!settings.timer().recallEnabled()) {
            return answer(request, ResponseCode.NO_PERMISSION, "recall failed, operation is forbidden");
        }
        if (!settings.isMaster()) {
            return answer(request, ResponseCode.SLAVE_NOT_AVAILABLE, "recall failed, broker service not available");
        }
        HeaderFields h = HeaderFields.of(request);
        String topic = h.string("topic");
        String handleText = h.string("recallHandle");
        if (topics.find(topic).isEmpty()) {
            return answer(request, ResponseCode.TOPIC_NOT_EXIST, "recall failed, the topic[" + topic + "] not exist");
        }
        RecallHandle handle;
        try {
            handle = RecallHandle.decode(handleText);
        } catch (IllegalArgumentException e) {
            return answer(request, ResponseCode.ILLEGAL_OPERATION, e.getMessage());
        }
        if (!topic.equals(handle.topic())) {
            return answer(request, ResponseCode.ILLEGAL_OPERATION, "recall failed, topic not match");
        }
        if (!settings.brokerName().equals(handle.brokerName())) {
            return answer(request, ResponseCode.ILLEGAL_OPERATION, "recall failed, broker service not available");
        }
        long timeLeft = handle.deliverMs() - clock.millis();
        if (timeLeft <= 0 || timeLeft >= settings.timer().maxDelayMs()) {
            return answer(request, ResponseCode.ILLEGAL_OPERATION, "recall failed, timestamp invalid");
        }
        MessageRecordRequest marker = router.apply(marker(handle, h.optionalString("producerGroup"), channel));
        return replication
                .afterStored(store.put(marker), true, channel == null ? null : channel.eventLoop())
                // As RocketMQ: stored is recalled, whether or not flushed or replicated in time.
                .thenApply(put -> put.status().isStored()
                        ? request.response(ResponseCode.SUCCESS).withExtField("msgId", handle.uniqKey())
                        : request.response(ResponseCode.SYSTEM_ERROR, "recall failed, execute error: " + put.status()));
    }

    /** RocketMQ's recall marker: queue 0 of the topic, timed at the handle's time, naming the timer. */
    private MessageRecordRequest marker(RecallHandle handle, String producerGroup, Channel channel) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(MessageProperties.TAGS, RECALL_TAG);
        properties.put(TimerProperties.DEL_UNIQKEY, handle.topic() + "+" + handle.uniqKey());
        properties.put(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, handle.uniqKey());
        properties.put(TimerProperties.DELIVER_MS, Long.toString(handle.deliverMs()));
        if (producerGroup != null && !producerGroup.isEmpty()) {
            properties.put(MessageProperties.PRODUCER_GROUP, producerGroup);
        }
        properties.put(MessageProperties.CLUSTER, settings.clusterName());
        InetSocketAddress bornHost = channel != null && channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet
                : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        return MessageRecordRequest.builder(handle.topic(), 0, ByteBuffer.wrap(MARKER_BODY))
                .bornTimestamp(clock.millis())
                .bornHost(bornHost)
                .properties(PropertiesCodec.encode(properties))
                .tagsCode(TagsCodeResolver.ofTags(RECALL_TAG))
                .uniqKey(handle.uniqKey())
                .waitStoreMsgOk(true)
                .build();
    }

    private static CompletableFuture<RemotingCommand> answer(RemotingCommand request, int code, String remark) {
        return CompletableFuture.completedFuture(request.response(code, remark));
    }
}
