package io.rocketkube.broker.processor;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.QueryResult;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** QUERY_MESSAGE (by key or unique key) and VIEW_MESSAGE_BY_ID (by commit-log offset), §5.10. */
public final class MessageQueryProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.QUERY_MESSAGE, RequestCode.VIEW_MESSAGE_BY_ID};
    private static final int UNIQUE_KEY_MAX_NUM = 32;
    private static final int MAX_NUM = 64;

    private final MessageStore store;

    public MessageQueryProcessor(MessageStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        if (request.code() == RequestCode.VIEW_MESSAGE_BY_ID) {
            long offset = h.longValue("offset");
            Optional<MessageSlice> found = store.lookMessageByPhysicalOffset(offset);
            if (found.isEmpty()) {
                return Responses.error(
                        request, ResponseCode.SYSTEM_ERROR, "can not find message by the offset, " + offset);
            }
            return CompletableFuture.completedFuture(
                    request.response(ResponseCode.SUCCESS).withBody(found.get().toBytes()));
        }
        String topic = Responses.legalTopic(h.string("topic"));
        String key = h.string("key");
        int maxNum = h.intValue("maxNum");
        long begin = h.longValue("beginTimestamp");
        long end = h.longValue("endTimestamp");
        boolean unique = h.booleanValue("_UNIQUE_KEY_QUERY", false);
        int limit = unique ? UNIQUE_KEY_MAX_NUM : Math.max(1, Math.min(maxNum, MAX_NUM));
        QueryResult result = store.queryByKey(topic, key, limit, begin, end);
        if (result.messages().isEmpty()) {
            return Responses.error(
                    request, ResponseCode.QUERY_NOT_FOUND, "can not find message, maybe time range not correct");
        }
        ByteBuffer[] parts = result.messages().stream().map(MessageSlice::view).toArray(ByteBuffer[]::new);
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS)
                .withExtField("indexLastUpdateTimestamp", result.indexLastUpdateTimestamp())
                .withExtField("indexLastUpdatePhyoffset", result.indexLastUpdatePhyOffset())
                .withBodyBuffer(Unpooled.wrappedBuffer(parts)));
    }
}
