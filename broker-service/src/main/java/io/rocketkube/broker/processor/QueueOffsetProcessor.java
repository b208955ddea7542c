package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.util.concurrent.CompletableFuture;

/** GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP and GET_EARLIEST_MSG_STORETIME (§5.5). */
public final class QueueOffsetProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.GET_MAX_OFFSET,
        RequestCode.GET_MIN_OFFSET,
        RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
        RequestCode.GET_EARLIEST_MSG_STORETIME
    };

    private final MessageStore store;

    public QueueOffsetProcessor(MessageStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        int queueId = h.intValue("queueId");
        RemotingCommand response = request.response(ResponseCode.SUCCESS);
        switch (request.code()) {
            case RequestCode.GET_MAX_OFFSET -> response.withExtField("offset", store.maxOffset(topic, queueId));
            case RequestCode.GET_MIN_OFFSET -> response.withExtField("offset", store.minOffset(topic, queueId));
            case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP ->
                response.withExtField("offset", store.offsetByTimestamp(topic, queueId, h.longValue("timestamp")));
            default -> response.withExtField("timestamp", store.earliestMessageStoreTime(topic, queueId));
        }
        return CompletableFuture.completedFuture(response);
    }
}
