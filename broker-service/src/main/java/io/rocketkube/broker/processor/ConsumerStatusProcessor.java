package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ClientCaller;
import io.rocketkube.broker.client.ClientChannel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.client.protocol.GetConsumerStatusBody;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, the tools API's {@code getConsumeStatus}): asks each live consumer of the
 * group (or only the one whose client id the {@code clientAddr} header names) for the offsets it holds on the
 * topic (GET_CONSUMER_STATUS_FROM_CLIENT, 221) and answers them gathered by client id ({@link
 * GetConsumerStatusBody}).
 *
 * <p>As in RocketMQ 4.9, a group with no live consumer is answered SYSTEM_ERROR, and a consumer that fails,
 * times out or answers something unreadable is left out of the answer (and logged) rather than failing it. Unlike
 * 4.9, which asks one consumer after another for up to 5 s each on a pool thread, the consumers are asked at once
 * and the answer is completed by the last of them or by {@link #CALL_TIMEOUT_MILLIS}, which is shorter than the
 * tools' own 5-s timeout so that a dead consumer cannot make the whole command fail.
 */
public final class ConsumerStatusProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS};
    static final long CALL_TIMEOUT_MILLIS = 3_000;
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerStatusProcessor.class);
    /** What a consumer that holds nothing of the topic answers (the reference client's empty map). */
    private static final byte[] EMPTY_TABLE = {'{', '}'};

    private final ConsumerManager consumers;
    private final ClientCaller caller;

    public ConsumerStatusProcessor(ConsumerManager consumers, ClientCaller caller) {
        this.consumers = consumers;
        this.caller = caller;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        String group = Responses.legalGroup(h.string("group"));
        String only = h.optionalString("clientAddr");
        List<ClientChannel> members = consumers.members(group);
        if (members.isEmpty()) {
            return Responses.error(
                    request,
                    ResponseCode.SYSTEM_ERROR,
                    "No Any Consumer online in the consumer group: [" + group + "]");
        }
        Map<String, byte[]> tables = new ConcurrentHashMap<>();
        CompletableFuture<?>[] calls = members.stream()
                .filter(m -> only == null || only.isBlank() || only.equals(m.clientId()))
                .map(m -> ask(m, topic, group).thenAccept(t -> t.ifPresent(table -> tables.put(m.clientId(), table))))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(calls)
                .thenApply(done ->
                        request.response(ResponseCode.SUCCESS).withBody(GetConsumerStatusBody.gathered(tables)));
    }

    /** One consumer's table; empty (and logged) if it cannot give one. Never completes exceptionally. */
    private CompletableFuture<Optional<byte[]>> ask(ClientChannel member, String topic, String group) {
        RemotingCommand call = RemotingCommand.request(RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT)
                .withExtField("topic", topic)
                .withExtField("group", group);
        return caller.call(member.channel(), call, CALL_TIMEOUT_MILLIS).handle((answer, error) -> {
            if (error != null) {
                LOG.warn(
                        "[get-consumer-status] {} of group {} did not answer: {}",
                        member.clientId(),
                        group,
                        error.toString());
                return Optional.empty();
            }
            if (answer.code() != ResponseCode.SUCCESS || answer.body() == null) {
                LOG.warn(
                        "[get-consumer-status] {} of group {} answered code {} ({}) without a status",
                        member.clientId(),
                        group,
                        answer.code(),
                        answer.remark());
                return Optional.empty();
            }
            try {
                return Optional.of(
                        GetConsumerStatusBody.messageQueueTable(answer.body()).orElse(EMPTY_TABLE));
            } catch (IllegalArgumentException e) {
                LOG.warn("[get-consumer-status] {} of group {}: {}", member.clientId(), group, e.getMessage());
                return Optional.empty();
            }
        });
    }
}
