package io.rocketkube.namesrv.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.namesrv.route.RouteTable;
import java.util.concurrent.CompletableFuture;

/** Admin changes to routes: write permission of a broker group, and topic deletion. */
public final class TopicAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.WIPE_WRITE_PERM_OF_BROKER, RequestCode.ADD_WRITE_PERM_OF_BROKER, RequestCode.DELETE_TOPIC_IN_NAMESRV
    };

    private final RouteTable routes;

    public TopicAdminProcessor(RouteTable routes) {
        this.routes = routes;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields header = HeaderFields.of(request);
        return RequestProcessor.respond(
                switch (request.code()) {
                    case RequestCode.WIPE_WRITE_PERM_OF_BROKER ->
                        request.response(ResponseCode.SUCCESS)
                                .withExtField(
                                        "wipeTopicCount", routes.wipeWritePermission(header.string("brokerName")));
                    case RequestCode.ADD_WRITE_PERM_OF_BROKER ->
                        request.response(ResponseCode.SUCCESS)
                                .withExtField("addTopicCount", routes.addWritePermission(header.string("brokerName")));
                    default -> {
                        routes.deleteTopic(header.string("topic"), header.optionalString("clusterName"));
                        yield request.response(ResponseCode.SUCCESS);
                    }
                });
    }
}
