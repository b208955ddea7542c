package io.rocketkube.namesrv.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicList;
import io.rocketkube.client.protocol.TopicRouteData;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.namesrv.kv.KvConfigStore;
import io.rocketkube.namesrv.route.RouteTable;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What clients and admins read: a topic's route, the cluster map and topic lists. */
public final class RouteQueryProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.GET_ROUTEINFO_BY_TOPIC,
        RequestCode.GET_BROKER_CLUSTER_INFO,
        RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
        RequestCode.GET_TOPICS_BY_CLUSTER,
        RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS
    };

    private final RouteTable routes;
    private final KvConfigStore kvConfig;
    private final RuntimeOptions options;

    public RouteQueryProcessor(RouteTable routes, KvConfigStore kvConfig, RuntimeOptions options) {
        this.routes = routes;
        this.kvConfig = kvConfig;
        this.options = options;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return RequestProcessor.respond(
                switch (request.code()) {
                    case RequestCode.GET_ROUTEINFO_BY_TOPIC -> route(request);
                    case RequestCode.GET_BROKER_CLUSTER_INFO -> withBody(request, routes.clusterInfo());
                    case RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER ->
                        withBody(request, TopicList.of(routes.allTopics()));
                    case RequestCode.GET_TOPICS_BY_CLUSTER ->
                        withBody(
                                request,
                                TopicList.of(routes.topicsOfCluster(
                                        HeaderFields.of(request).string("cluster"))));
                    default -> withBody(request, new TopicList(routes.systemTopics(), routes.anyBrokerAddress()));
                });
    }

    private RemotingCommand route(RemotingCommand request) {
        String topic = HeaderFields.of(request).string("topic");
        String orderTopicConf = options.orderMessageEnable()
                ? kvConfig.get(BrokerRegistrationProcessor.ORDER_TOPIC_CONFIG, topic)
                        .orElse(null)
                : null;
        Optional<TopicRouteData> route = routes.route(topic, orderTopicConf);
        if (route.isEmpty()) {
            return request.response(
                    ResponseCode.TOPIC_NOT_EXIST, "No topic route info in name server for the topic: " + topic);
        }
        return withBody(request, route.get());
    }

    private static RemotingCommand withBody(RemotingCommand request, Object body) {
        return request.response(ResponseCode.SUCCESS).withBody(RemotingJson.encode(body));
    }
}
