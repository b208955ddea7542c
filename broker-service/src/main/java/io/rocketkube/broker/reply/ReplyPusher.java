package io.rocketkube.broker.reply;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ClientCaller;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a reply to the producer that sent the request (PUSH_REPLY_MESSAGE_TO_CLIENT, 326), on the
 * connection that producer registered by heartbeat: the request message named it in its {@code REPLY_TO_CLIENT}
 * property, and the reply carries that property over. What RocketMQ 4.9's {@code ReplyMessageProcessor}
 * pushes: the reply's send header re-spelled as a {@code ReplyMessageRequestHeader} (every field the client
 * requires), its body, and its properties plus {@code PUSH_REPLY_TIME}.
 *
 * <p>Never blocks: the client's answer completes the returned future (bounded by {@link #PUSH_TIMEOUT_MILLIS}).
 * An unknown or gone client, a client that refuses, or a timeout is a failed push with a remark saying which.
 *
 * <p>Thread-safe.
 */
public final class ReplyPusher {
    /** RocketMQ's broker-to-client call timeout. */
    static final long PUSH_TIMEOUT_MILLIS = 3_000;

    private static final Logger LOG = LoggerFactory.getLogger(ReplyPusher.class);

    /** The reply as the send header described it. */
    public record Reply(
            String producerGroup,
            String topic,
            String defaultTopic,
            int defaultTopicQueueNums,
            int queueId,
            int sysFlag,
            long bornTimestamp,
            int flag,
            Map<String, String> properties,
            int reconsumeTimes,
            byte[] body,
            InetSocketAddress bornHost) {}

    /** The outcome: pushed, or why not. */
    public record Outcome(boolean pushed, String remark) {}

    private final ProducerManager producers;
    private final ClientCaller caller;
    private final InetSocketAddress storeHost;
    private final Clock clock;

    public ReplyPusher(ProducerManager producers, ClientCaller caller, InetSocketAddress storeHost, Clock clock) {
        this.producers = producers;
        this.caller = caller;
        this.storeHost = storeHost;
        this.clock = clock;
    }

    public CompletableFuture<Outcome> push(Reply reply) {
        String clientId = reply.properties().get(MessageProperties.MESSAGE_REPLY_TO_CLIENT);
        if (clientId == null) {
            return failed("reply message properties[" + MessageProperties.MESSAGE_REPLY_TO_CLIENT + "] is null");
        }
        Channel channel = producers.findChannel(clientId).orElse(null);
        if (channel == null) {
            return failed("push reply message fail, channel of <" + clientId + "> not found.");
        }
        Map<String, String> properties = new java.util.LinkedHashMap<>(reply.properties());
        properties.put(MessageProperties.PUSH_REPLY_TIME, String.valueOf(clock.millis()));
        RemotingCommand request = RemotingCommand.request(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT)
                .withExtField("producerGroup", reply.producerGroup())
                .withExtField("topic", reply.topic())
                .withExtField("defaultTopic", reply.defaultTopic())
                .withExtField("defaultTopicQueueNums", reply.defaultTopicQueueNums())
                .withExtField("queueId", reply.queueId())
                .withExtField("sysFlag", reply.sysFlag())
                .withExtField("bornTimestamp", reply.bornTimestamp())
                .withExtField("flag", reply.flag())
                .withExtField("properties", PropertiesCodec.encode(properties))
                .withExtField("reconsumeTimes", reply.reconsumeTimes())
                .withExtField("unitMode", false)
                .withExtField("bornHost", address(reply.bornHost()))
                .withExtField("storeHost", address(storeHost))
                .withExtField("storeTimestamp", clock.millis())
                .withBody(reply.body());
        return caller.call(channel, request, PUSH_TIMEOUT_MILLIS).handle((response, error) -> {
            if (error != null) {
                LOG.warn("push reply message to <{}> failed", clientId, error);
                return new Outcome(false, "push reply message to " + clientId + " fail: " + error.getMessage());
            }
            if (response.code() != ResponseCode.SUCCESS) {
                LOG.warn("push reply message to <{}> answered {}: {}", clientId, response.code(), response.remark());
                return new Outcome(false, "push reply message to " + clientId + " fail.");
            }
            return new Outcome(true, null);
        });
    }

    /** Told to the sender in the answer; at debug only, since any client can cause it on every request. */
    private static CompletableFuture<Outcome> failed(String remark) {
        LOG.debug(remark);
        return CompletableFuture.completedFuture(new Outcome(false, remark));
    }

    private static String address(InetSocketAddress a) {
        if (a == null || a.getAddress() == null) {
            return "127.0.0.1:0";
        }
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
