package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.reply.ReplyPusher;
import io.rocketkube.broker.runtime.RuntimeConfig;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.TagsCodeResolver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * SEND_REPLY_MESSAGE (324) and SEND_REPLY_MESSAGE_V2 (325), request-reply of RocketMQ 4.6+: a consumer sends
 * the reply to a request (built by the client's {@code MessageUtil.createReplyMessage}, topic
 * {@code <cluster>_REPLY_TOPIC}); the broker pushes it straight to the requesting producer
 * ({@link ReplyPusher}) and, as RocketMQ does with its default {@code storeReplyMessageEnable=true}, also stores
 * it in the reply topic.
 *
 * <p>The answer is RocketMQ's: SYSTEM_ERROR with the push's remark if the push failed (unknown client, gone,
 * refused), whatever the store did; else SUCCESS, with the stored message's id and offset, or msgId "0" and
 * offset 0 if the store refused it. The header is validated like a send's (topic, permission, queue) before
 * anything is pushed or stored.
 */
public final class ReplyMessageProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2};

    private final BrokerSettings settings;
    private final RuntimeConfig runtime;
    private final MessageStore store;
    private final SendTarget target;
    private final ReplyPusher pusher;
    private final InetSocketAddress storeHost;

    public ReplyMessageProcessor(
            BrokerSettings settings,
            RuntimeConfig runtime,
            MessageStore store,
            io.rocketkube.broker.topic.TopicConfigManager topics,
            io.rocketkube.broker.group.SubscriptionGroupManager groups,
            ReplyPusher pusher,
            InetSocketAddress storeHost) {
        this.settings = settings;
        this.runtime = runtime;
        this.store = store;
        this.target = new SendTarget(topics, groups, runtime::autoCreateTopic);
        this.pusher = pusher;
        this.storeHost = storeHost;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (!settings.isMaster()) {
            return Responses.error(
                    request,
                    ResponseCode.SERVICE_NOT_AVAILABLE,
                    "the broker[" + settings.brokerName() + "] is a slave and does not take messages");
        }
        SendRequestHeader header = SendRequestHeader.parse(request);
        byte[] body = request.body() == null ? new byte[0] : request.body();
        int max = runtime.maxMessageSize();
        if (body.length > max) {
            throw Responses.reject(ResponseCode.MESSAGE_ILLEGAL, "the message body size over max value, MAX: " + max);
        }
        SendTarget.Resolved where = target.resolve(header, request.version());
        Map<String, String> properties = PropertiesCodec.decode(header.properties());
        InetSocketAddress bornHost = channel != null && channel.remoteAddress() instanceof InetSocketAddress inet
                ? inet
                : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        ReplyPusher.Reply reply = new ReplyPusher.Reply(
                header.producerGroup(),
                where.topic(),
                header.defaultTopic(),
                header.defaultTopicQueueNums(),
                where.queueId(),
                header.sysFlag(),
                header.bornTimestamp(),
                header.flag(),
                properties,
                header.reconsumeTimes(),
                body,
                bornHost);
        CompletableFuture<ReplyPusher.Outcome> pushed = pusher.push(reply);
        CompletableFuture<PutResult> stored = store.put(record(header, body, where, properties, bornHost));
        return pushed.thenCombine(stored, (outcome, put) -> answer(request, outcome, put, where.queueId()));
    }

    private MessageRecordRequest record(
            SendRequestHeader header,
            byte[] body,
            SendTarget.Resolved where,
            Map<String, String> properties,
            InetSocketAddress bornHost) {
        Map<String, String> stored = new java.util.LinkedHashMap<>(properties);
        stored.remove(MessageProperties.WAIT_STORE_MSG_OK);
        stored.put(MessageProperties.CLUSTER, settings.clusterName());
        String tags = stored.get(MessageProperties.TAGS);
        return MessageRecordRequest.builder(where.topic(), where.queueId(), ByteBuffer.wrap(body))
                .flag(header.flag())
                .sysFlag(header.sysFlag())
                .bornTimestamp(header.bornTimestamp())
                .bornHost(bornHost)
                .properties(PropertiesCodec.encode(stored))
                .reconsumeTimes(header.reconsumeTimes())
                .tagsCode(TagsCodeResolver.ofTags(tags))
                .uniqKey(stored.get(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                .waitStoreMsgOk(false)
                .build();
    }

    private RemotingCommand answer(RemotingCommand request, ReplyPusher.Outcome outcome, PutResult put, int queueId) {
        if (!outcome.pushed()) {
            return request.response(ResponseCode.SYSTEM_ERROR, outcome.remark());
        }
        boolean storedOk = put.status().isStored();
        return request.response(ResponseCode.SUCCESS)
                .withExtField("msgId", storedOk ? OffsetMsgId.encode(storeHost, put.physicalOffset(0)) : "0")
                .withExtField("queueId", queueId)
                .withExtField("queueOffset", storedOk ? put.firstQueueOffset() : 0L)
                .withExtField(MessageProperties.MSG_REGION, "DefaultRegion")
                .withExtField(MessageProperties.TRACE_SWITCH, "true");
    }
}
