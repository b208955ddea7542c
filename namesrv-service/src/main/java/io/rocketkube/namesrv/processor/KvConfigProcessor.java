package io.rocketkube.namesrv.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.namesrv.kv.KvConfigStore;
import java.util.concurrent.CompletableFuture;

/** PUT/GET/DELETE_KV_CONFIG and GET_KVLIST_BY_NAMESPACE. */
public final class KvConfigProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.PUT_KV_CONFIG,
        RequestCode.GET_KV_CONFIG,
        RequestCode.DELETE_KV_CONFIG,
        RequestCode.GET_KVLIST_BY_NAMESPACE
    };

    private final KvConfigStore store;

    public KvConfigProcessor(KvConfigStore store) {
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields header = HeaderFields.of(request);
        String namespace = header.string("namespace");
        return RequestProcessor.respond(
                switch (request.code()) {
                    case RequestCode.PUT_KV_CONFIG -> {
                        String key = header.string("key");
                        try {
                            store.put(namespace, key, header.string("value"));
                        } catch (KvConfigStore.LimitExceeded e) {
                            throw new RequestRejectedException(ResponseCode.INVALID_PARAMETER, e.getMessage());
                        }
                        yield request.response(ResponseCode.SUCCESS);
                    }
                    case RequestCode.GET_KV_CONFIG -> {
                        String key = header.string("key");
                        yield store.get(namespace, key)
                                .map(value ->
                                        request.response(ResponseCode.SUCCESS).withExtField("value", value))
                                .orElseGet(() -> request.response(
                                        ResponseCode.QUERY_NOT_FOUND,
                                        "No config item, Namespace: " + namespace + " Key: " + key));
                    }
                    case RequestCode.DELETE_KV_CONFIG -> {
                        store.delete(namespace, header.string("key"));
                        yield request.response(ResponseCode.SUCCESS);
                    }
                    default ->
                        store.namespace(namespace)
                                .map(table -> request.response(ResponseCode.SUCCESS)
                                        .withBody(RemotingJson.encode(new KVTable(table))))
                                .orElseGet(() -> request.response(
                                        ResponseCode.QUERY_NOT_FOUND, "No config item, Namespace: " + namespace));
                });
    }
}
