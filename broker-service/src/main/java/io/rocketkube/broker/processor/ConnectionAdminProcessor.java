package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.client.protocol.Connection;
import io.rocketkube.client.protocol.GroupList;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.ProducerConnection;
import io.rocketkube.client.protocol.ProducerTableInfo;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * GET_CONSUMER_CONNECTION_LIST, GET_PRODUCER_CONNECTION_LIST, GET_ALL_PRODUCER_INFO and QUERY_TOPIC_CONSUME_BY_WHO
 * (§5.11).
 */
public final class ConnectionAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.GET_CONSUMER_CONNECTION_LIST,
        RequestCode.GET_PRODUCER_CONNECTION_LIST,
        RequestCode.GET_ALL_PRODUCER_INFO,
        RequestCode.QUERY_TOPIC_CONSUME_BY_WHO
    };

    private final ConsumerManager consumers;
    private final ProducerManager producers;
    private final ConsumerOffsetManager offsets;

    public ConnectionAdminProcessor(
            ConsumerManager consumers, ProducerManager producers, ConsumerOffsetManager offsets) {
        this.consumers = consumers;
        this.producers = producers;
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        switch (request.code()) {
            case RequestCode.GET_CONSUMER_CONNECTION_LIST -> {
                String group = Responses.legalGroup(h.string("consumerGroup"));
                return consumers
                        .connection(group)
                        .map(c -> Responses.json(request, c))
                        .orElseGet(() -> Responses.error(
                                request,
                                ResponseCode.CONSUMER_NOT_ONLINE,
                                "the consumer group[" + group + "] not online"));
            }
            case RequestCode.GET_PRODUCER_CONNECTION_LIST -> {
                String group = Responses.legalGroup(h.string("producerGroup"));
                List<Connection> connections = producers.connections(group);
                if (connections.isEmpty()) {
                    return Responses.error(
                            request, ResponseCode.SYSTEM_ERROR, "the producer group[" + group + "] not exist");
                }
                return Responses.json(request, new ProducerConnection(connections));
            }
            case RequestCode.GET_ALL_PRODUCER_INFO -> {
                return Responses.json(request, new ProducerTableInfo(producers.producerTable()));
            }
            default -> {
                String topic = Responses.legalTopic(h.string("topic"));
                Set<String> groups = new TreeSet<>(consumers.groupsSubscribing(topic));
                groups.addAll(offsets.groupsOf(topic));
                return Responses.json(request, new GroupList(groups));
            }
        }
    }
}
