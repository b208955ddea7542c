package io.rocketkube.namesrv.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RegisterBrokerBody;
import io.rocketkube.client.protocol.RegisterBrokerBodyCodec;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.client.util.MaskedCrc32;
import io.rocketkube.namesrv.kv.KvConfigStore;
import io.rocketkube.namesrv.route.BrokerRegistration;
import io.rocketkube.namesrv.route.RegisterResult;
import io.rocketkube.namesrv.route.RouteTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * REGISTER_BROKER, UNREGISTER_BROKER and QUERY_DATA_VERSION: what brokers tell the NameServer about themselves.
 *
 * <p>Compressed registrations are decoded one at a time: a few hundred KiB of zlib may inflate to the codec's
 * bounds (16 MiB, 262,144 topics), and several at once, on every processor thread, ran a 256 MiB NameServer
 * out of heap. A broker registers every 30 s, so waiting a moment costs nothing; one that waits longer than
 * {@link #DECODE_WAIT_MILLIS} is answered SYSTEM_BUSY and tries again at its next registration.
 */
public final class BrokerRegistrationProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.REGISTER_BROKER, RequestCode.UNREGISTER_BROKER, RequestCode.QUERY_DATA_VERSION
    };
    static final String ORDER_TOPIC_CONFIG = "ORDER_TOPIC_CONFIG";

    static final long DECODE_WAIT_MILLIS = 5_000;

    private final RouteTable routes;
    private final KvConfigStore kvConfig;
    private final Semaphore compressedDecodes = new Semaphore(1);

    public BrokerRegistrationProcessor(RouteTable routes, KvConfigStore kvConfig) {
        this.routes = routes;
        this.kvConfig = kvConfig;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return RequestProcessor.respond(
                switch (request.code()) {
                    case RequestCode.REGISTER_BROKER -> register(channel, request);
                    case RequestCode.UNREGISTER_BROKER -> unregister(request);
                    default -> queryDataVersion(request);
                });
    }

    private RemotingCommand register(Channel channel, RemotingCommand request) {
        HeaderFields header = HeaderFields.of(request);
        String brokerName = header.string("brokerName");
        String brokerAddr = header.string("brokerAddr");
        String clusterName = header.string("clusterName");
        String haServerAddr = header.string("haServerAddr");
        long brokerId = header.longValue("brokerId");
        boolean compressed = header.booleanValue("compressed", false);
        int bodyCrc = header.intValue("bodyCrc32", 0);
        byte[] body = request.body();
        if (bodyCrc != 0 && body != null && MaskedCrc32.of(body) != bodyCrc) {
            throw new RequestRejectedException(ResponseCode.SYSTEM_ERROR, "crc32 not match");
        }
        RegisterBrokerBody decoded = decode(body, compressed, request.version());
        RegisterResult result = routes.register(new BrokerRegistration(
                clusterName,
                brokerAddr,
                brokerName,
                brokerId,
                haServerAddr,
                decoded.topicConfigSerializeWrapper(),
                decoded.filterServerList(),
                channel));
        RemotingCommand response = request.response(ResponseCode.SUCCESS)
                .withExtField("masterAddr", result.masterAddr())
                .withExtField("haServerAddr", result.haServerAddr());
        kvConfig.namespace(ORDER_TOPIC_CONFIG)
                .ifPresent(table -> response.withBody(RemotingJson.encode(new KVTable(table))));
        return response;
    }

    private RegisterBrokerBody decode(byte[] body, boolean compressed, int version) {
        if (!compressed) {
            return RegisterBrokerBodyCodec.decode(body, false, version);
        }
        try {
            if (!compressedDecodes.tryAcquire(DECODE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new RequestRejectedException(
                        ResponseCode.SYSTEM_BUSY, "[OVERLOAD]system busy: other compressed registrations are decoded");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRejectedException(ResponseCode.SYSTEM_BUSY, "[OVERLOAD]system busy: interrupted");
        }
        try {
            return RegisterBrokerBodyCodec.decode(body, true, version);
        } finally {
            compressedDecodes.release();
        }
    }

    private RemotingCommand unregister(RemotingCommand request) {
        HeaderFields header = HeaderFields.of(request);
        routes.unregister(
                header.string("clusterName"),
                header.string("brokerAddr"),
                header.string("brokerName"),
                header.longValue("brokerId"));
        return request.response(ResponseCode.SUCCESS);
    }

    private RemotingCommand queryDataVersion(RemotingCommand request) {
        HeaderFields header = HeaderFields.of(request);
        header.string("brokerName");
        header.string("clusterName");
        header.longValue("brokerId");
        String brokerAddr = header.string("brokerAddr");
        DataVersion theirs = RemotingJson.decode(request.body(), DataVersion.class);
        DataVersion ours = routes.dataVersionOf(brokerAddr);
        boolean changed = ours == null || !ours.equals(theirs);
        if (!changed) {
            routes.touch(brokerAddr);
        }
        RemotingCommand response = request.response(ResponseCode.SUCCESS).withExtField("changed", changed);
        if (ours != null) {
            response.withBody(RemotingJson.encode(ours));
        }
        return response;
    }
}
