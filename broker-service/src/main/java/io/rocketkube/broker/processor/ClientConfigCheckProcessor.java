package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.filter.ConsumerFilters;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;

/**
 * CHECK_CLIENT_CONFIG (46, docs/protocol.md §5.3), which the official client sends at consumer start for
 * each non-TAG subscription and whose refusal fails the start. Answers as RocketMQ 4.9 does: TAG (or no
 * subscription) → SUCCESS; SQL92 while property filtering is off → SYSTEM_ERROR; a selector that does not
 * compile → SUBSCRIPTION_PARSE_FAILED with the reason; else SUCCESS. Other expression types are refused as
 * not compiling (RocketMQ has no filter for them either).
 */
public final class ClientConfigCheckProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.CHECK_CLIENT_CONFIG};

    private final ConsumerFilters filters;

    public ClientConfigCheckProcessor(ConsumerFilters filters) {
        this.filters = filters;
    }

    /** Body of CHECK_CLIENT_CONFIG, as the client writes it. */
    public record CheckClientRequestBody(String clientId, String group, SubscriptionData subscriptionData) {}

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        CheckClientRequestBody body = request.body() == null || request.body().length == 0
                ? null
                : RemotingJson.decode(request.body(), CheckClientRequestBody.class);
        if (body == null || body.subscriptionData() == null) {
            return Responses.ok(request);
        }
        SubscriptionData subscription = body.subscriptionData();
        String type = subscription.expressionType();
        if (type.isEmpty() || SubscriptionData.EXPRESSION_TAG.equals(type)) {
            return Responses.ok(request);
        }
        if (!filters.enabled()) {
            return Responses.error(
                    request,
                    ResponseCode.SYSTEM_ERROR,
                    "The broker does not support consumer to filter message by " + type);
        }
        if (!ConsumerFilters.isSql92(type)) {
            return Responses.error(
                    request,
                    ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                    "expression type " + type + " is not supported, only TAG and SQL92");
        }
        ConsumerFilters.Compiled compiled = ConsumerFilters.compile(subscription.subString());
        if (!compiled.ok()) {
            return Responses.error(request, ResponseCode.SUBSCRIPTION_PARSE_FAILED, compiled.error());
        }
        return Responses.ok(request);
    }
}
