package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.ConsumeStats;
import io.rocketkube.client.protocol.ConsumeStatsList;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.MessageQueue;
import io.rocketkube.client.protocol.OffsetWrapper;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicOffset;
import io.rocketkube.client.protocol.TopicStatsTable;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * GET_TOPIC_STATS_INFO, GET_CONSUME_STATS and GET_BROKER_CONSUME_STATS (§5.11): per-queue offsets for mqadmin
 * ({@code topicStatus}, {@code consumerProgress}, {@code brokerConsumeStats}).
 */
public final class StatsAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.GET_TOPIC_STATS_INFO, RequestCode.GET_CONSUME_STATS, RequestCode.GET_BROKER_CONSUME_STATS
    };

    private final String brokerName;
    private final String brokerAddr;
    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final ConsumerOffsetManager offsets;
    private final ConsumerManager consumers;
    private final MessageStore store;

    public StatsAdminProcessor(
            String brokerName,
            String brokerAddr,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerOffsetManager offsets,
            ConsumerManager consumers,
            MessageStore store) {
        this.brokerName = brokerName;
        this.brokerAddr = brokerAddr;
        this.topics = topics;
        this.groups = groups;
        this.offsets = offsets;
        this.consumers = consumers;
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return switch (request.code()) {
            case RequestCode.GET_TOPIC_STATS_INFO -> topicStats(request);
            case RequestCode.GET_CONSUME_STATS -> consumeStats(request);
            default -> brokerConsumeStats(request);
        };
    }

    private CompletableFuture<RemotingCommand> topicStats(RemotingCommand request) {
        String topic = Responses.legalTopic(HeaderFields.of(request).string("topic"));
        Optional<TopicConfig> config = topics.find(topic);
        if (config.isEmpty()) {
            return Responses.error(request, ResponseCode.TOPIC_NOT_EXIST, "topic[" + topic + "] not exist");
        }
        Map<MessageQueue, TopicOffset> table = new HashMap<>();
        for (int q = 0; q < config.get().writeQueueNums(); q++) {
            long max = store.maxOffset(topic, q);
            long last = max > 0 ? Math.max(0, store.storeTimeOf(topic, q, max - 1)) : 0;
            table.put(new MessageQueue(topic, brokerName, q), new TopicOffset(store.minOffset(topic, q), max, last));
        }
        return Responses.json(request, new TopicStatsTable(table));
    }

    private CompletableFuture<RemotingCommand> consumeStats(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String group = Responses.legalGroup(h.string("consumerGroup"));
        String onlyTopic = Responses.legalTopicIfPresent(h.optionalString("topic"));
        Set<String> wanted = new LinkedHashSet<>();
        if (onlyTopic != null && !onlyTopic.isEmpty()) {
            wanted.add(onlyTopic);
        } else {
            wanted.addAll(offsets.topicsOf(group));
        }
        Set<String> subscribed = consumers.subscribedTopics(group);
        Map<MessageQueue, OffsetWrapper> table = new HashMap<>();
        for (String topic : wanted) {
            Optional<TopicConfig> config = topics.find(topic);
            if (config.isEmpty() || (onlyTopic == null && consumers.isOnline(group) && !subscribed.contains(topic))) {
                continue;
            }
            putProgress(table, group, topic, config.get().readQueueNums());
        }
        return Responses.json(request, new ConsumeStats(table, 0.0));
    }

    /**
     * Every group with a subscription config or committed offsets here, with one ConsumeStats per topic it has
     * offsets on ({@code isOrder}: ordered topics only); like GET_CONSUME_STATS, an online group's topics are only
     * those it subscribes to.
     */
    private CompletableFuture<RemotingCommand> brokerConsumeStats(RemotingCommand request) {
        boolean onlyOrdered = HeaderFields.of(request).booleanValue("isOrder", false);
        Set<String> names =
                new TreeSet<>(groups.snapshot().subscriptionGroupTable().keySet());
        names.addAll(offsets.groups());
        List<Map<String, List<ConsumeStats>>> perGroup = new ArrayList<>();
        long totalDiff = 0;
        for (String group : names) {
            Set<String> subscribed = consumers.subscribedTopics(group);
            List<ConsumeStats> perTopic = new ArrayList<>();
            for (String topic : new TreeSet<>(offsets.topicsOf(group))) {
                Optional<TopicConfig> config = topics.find(topic);
                if (config.isEmpty()
                        || (onlyOrdered && !config.get().order())
                        || (!subscribed.isEmpty() && !subscribed.contains(topic))) {
                    continue;
                }
                Map<MessageQueue, OffsetWrapper> table = new HashMap<>();
                putProgress(table, group, topic, config.get().writeQueueNums());
                for (OffsetWrapper w : table.values()) {
                    totalDiff += w.brokerOffset() - w.consumerOffset();
                }
                perTopic.add(new ConsumeStats(table, 0.0));
            }
            perGroup.add(Map.of(group, perTopic));
        }
        return Responses.json(request, new ConsumeStatsList(perGroup, brokerAddr, totalDiff));
    }

    /** The group's progress on the topic's first {@code queues} queues. */
    private void putProgress(Map<MessageQueue, OffsetWrapper> table, String group, String topic, int queues) {
        for (int q = 0; q < queues; q++) {
            long brokerOffset = store.maxOffset(topic, q);
            long consumerOffset = Math.max(0, offsets.query(group, topic, q).orElse(0));
            long last = consumerOffset > 0 ? Math.max(0, store.storeTimeOf(topic, q, consumerOffset - 1)) : 0;
            long pulled =
                    Math.max(consumerOffset, offsets.pullOffset(group, topic, q).orElse(0));
            table.put(
                    new MessageQueue(topic, brokerName, q),
                    new OffsetWrapper(brokerOffset, consumerOffset, last, pulled));
        }
    }
}
