package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ClientCaller;
import io.rocketkube.broker.client.ClientChannel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingException;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * GET_CONSUMER_RUNNING_INFO (307, {@code mqadmin consumerStatus}, the dashboard's consumer view) and
 * CONSUME_MESSAGE_DIRECTLY (309, {@code mqadmin consumeMessage -d}): the broker forwards the request to the named
 * client of the group on the connection it heartbeats on and relays that client's answer, as RocketMQ's broker
 * does. For 309 it first attaches the stored message the {@code msgId} (an offset message id) names, and its own
 * broker name.
 *
 * <p>Never blocks a pool thread: the client's answer (or {@link #CALL_TIMEOUT_MILLIS}) completes the response.
 * A client that is not online in the group, a message that is not here, or a call that fails is answered
 * SYSTEM_ERROR (CONSUME_MSG_TIMEOUT for a timeout) naming which.
 */
public final class ConsumerCallProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_CONSUMER_RUNNING_INFO, RequestCode.CONSUME_MESSAGE_DIRECTLY};
    /** RocketMQ's broker-to-client call timeout for these two. */
    static final long CALL_TIMEOUT_MILLIS = 10_000;

    private final String brokerName;
    private final ConsumerManager consumers;
    private final MessageStore store;
    private final ClientCaller caller;

    public ConsumerCallProcessor(
            String brokerName, ConsumerManager consumers, MessageStore store, ClientCaller caller) {
        this.brokerName = brokerName;
        this.consumers = consumers;
        this.store = store;
        this.caller = caller;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String group = Responses.legalGroup(h.string("consumerGroup"));
        String clientId = h.string("clientId");
        Optional<ClientChannel> client = consumers.members(group).stream()
                .filter(c -> c.clientId().equals(clientId))
                .findFirst();
        if (client.isEmpty()) {
            return Responses.error(
                    request, ResponseCode.SYSTEM_ERROR, "The Consumer <" + group + "> <" + clientId + "> not online");
        }
        RemotingCommand forward = RemotingCommand.request(request.code()).withExtFields(request.extFields());
        if (request.code() == RequestCode.CONSUME_MESSAGE_DIRECTLY) {
            String msgId = h.string("msgId");
            Optional<MessageSlice> message = store.lookMessageByOffsetMsgId(msgId);
            if (message.isEmpty()) {
                return Responses.error(
                        request, ResponseCode.SYSTEM_ERROR, "no message stored here under offset message id " + msgId);
            }
            forward.withExtField("brokerName", brokerName)
                    .withBody(message.get().toBytes());
        } else if (request.body() != null) {
            forward.withBody(request.body());
        }
        return caller.call(client.get().channel(), forward, CALL_TIMEOUT_MILLIS).handle((answer, error) -> {
            if (error == null) {
                RemotingCommand relayed =
                        request.response(answer.code(), answer.remark()).withExtFields(answer.extFields());
                return answer.body() == null ? relayed : relayed.withBody(answer.body());
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            int code = cause instanceof RemotingException.Timeout
                    ? ResponseCode.CONSUME_MSG_TIMEOUT
                    : ResponseCode.SYSTEM_ERROR;
            return request.response(
                    code, "invoke consumer <" + group + "> <" + clientId + "> failed: " + cause.getMessage());
        });
    }
}
