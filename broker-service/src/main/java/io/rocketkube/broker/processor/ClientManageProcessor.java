package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ClientChannel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.broker.filter.ConsumerFilters;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.ConsumerIdList;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.HeartbeatData;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.ProducerData;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * HEART_BEAT, UNREGISTER_CLIENT and GET_CONSUMER_LIST_BY_GROUP (docs/protocol.md §5.3, §5.5): who is
 * connected, in which groups, subscribed to what.
 */
public final class ClientManageProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT, RequestCode.GET_CONSUMER_LIST_BY_GROUP
    };

    private final ConsumerManager consumers;
    private final ProducerManager producers;
    private final SubscriptionGroupManager groups;
    private final TopicConfigManager topics;
    private final Clock clock;
    private final ConsumerFilters filters;

    public ClientManageProcessor(
            ConsumerManager consumers,
            ProducerManager producers,
            SubscriptionGroupManager groups,
            TopicConfigManager topics,
            Clock clock,
            ConsumerFilters filters) {
        this.filters = filters;
        this.consumers = consumers;
        this.producers = producers;
        this.groups = groups;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return switch (request.code()) {
            case RequestCode.HEART_BEAT -> heartbeat(channel, request);
            case RequestCode.UNREGISTER_CLIENT -> unregister(channel, request);
            default -> consumerList(request);
        };
    }

    private CompletableFuture<RemotingCommand> heartbeat(Channel channel, RemotingCommand request) {
        HeartbeatData data = RemotingJson.decode(request.body(), HeartbeatData.class);
        if (data.clientID() == null || data.clientID().isEmpty()) {
            throw Responses.reject(ResponseCode.SYSTEM_ERROR, "heartbeat without clientID");
        }
        ClientChannel client = new ClientChannel(
                channel, data.clientID(), request.language().name(), request.version(), clock.millis());
        checkNames(data);
        // Groups and their retry topics first, each table written once however many groups are new.
        Map<String, SubscriptionGroupConfig> configs = groups.findOrCreateAll(
                data.consumerDataSet().stream().map(ConsumerData::groupName).toList());
        Map<String, Integer> retryTopics = new LinkedHashMap<>();
        configs.forEach((name, config) -> {
            if (config.retryQueueNums() > 0) {
                retryTopics.put(TopicNames.retryTopic(name), config.retryQueueNums());
            }
        });
        topics.createAllIfAbsent(retryTopics, PermName.READ_WRITE);
        for (ConsumerData consumer : data.consumerDataSet()) {
            consumers.register(client, consumer);
            filters.register(consumer.groupName(), consumer.subscriptionDataSet());
        }
        for (ProducerData producer : data.producerDataSet()) {
            if (producer.groupName() != null) {
                producers.register(producer.groupName(), client);
            }
        }
        return Responses.ok(request);
    }

    /** Every name in the heartbeat, before any of it is applied: a bad one refuses the whole heartbeat. */
    private static void checkNames(HeartbeatData data) {
        for (ConsumerData consumer : data.consumerDataSet()) {
            if (consumer.groupName() == null || consumer.groupName().isEmpty()) {
                throw Responses.reject(ResponseCode.SYSTEM_ERROR, "heartbeat consumer data without groupName");
            }
            Responses.legalGroup(consumer.groupName());
            for (SubscriptionData subscription : consumer.subscriptionDataSet()) {
                Responses.legalTopic(subscription.topic());
            }
        }
        for (ProducerData producer : data.producerDataSet()) {
            Responses.legalGroupIfPresent(producer.groupName());
        }
    }

    private CompletableFuture<RemotingCommand> unregister(Channel channel, RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        h.string("clientID");
        String producerGroup = Responses.legalGroupIfPresent(h.optionalString("producerGroup"));
        String consumerGroup = Responses.legalGroupIfPresent(h.optionalString("consumerGroup"));
        if (producerGroup != null) {
            producers.unregister(producerGroup, channel);
        }
        if (consumerGroup != null) {
            consumers.unregister(consumerGroup, channel);
        }
        return Responses.ok(request);
    }

    private CompletableFuture<RemotingCommand> consumerList(RemotingCommand request) {
        String group = Responses.legalGroup(HeaderFields.of(request).string("consumerGroup"));
        List<String> ids = consumers.clientIds(group);
        if (ids.isEmpty()) {
            return Responses.error(request, ResponseCode.SYSTEM_ERROR, "no consumer for this group, " + group);
        }
        return Responses.json(request, new ConsumerIdList(ids));
    }
}
