package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.MessageQueue;
import io.rocketkube.client.protocol.QueryConsumeTimeSpanBody;
import io.rocketkube.client.protocol.QueryCorrectionOffsetBody;
import io.rocketkube.client.protocol.QueueTimeSpan;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QUERY_CONSUME_TIME_SPAN, QUERY_CORRECTION_OFFSET and CLONE_GROUP_OFFSET (§5.11): a group's committed offsets
 * read against the store, or copied to another group. Every name is checked before anything is read or written.
 */
public final class GroupOffsetAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.QUERY_CONSUME_TIME_SPAN, RequestCode.QUERY_CORRECTION_OFFSET, RequestCode.CLONE_GROUP_OFFSET
    };
    private static final Logger LOG = LoggerFactory.getLogger(GroupOffsetAdminProcessor.class);

    private final String brokerName;
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ConsumerManager consumers;
    private final MessageStore store;
    private final Clock clock;

    public GroupOffsetAdminProcessor(
            String brokerName,
            TopicConfigManager topics,
            ConsumerOffsetManager offsets,
            ConsumerManager consumers,
            MessageStore store,
            Clock clock) {
        this.brokerName = brokerName;
        this.topics = topics;
        this.offsets = offsets;
        this.consumers = consumers;
        this.store = store;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return switch (request.code()) {
            case RequestCode.QUERY_CONSUME_TIME_SPAN -> timeSpan(request);
            case RequestCode.QUERY_CORRECTION_OFFSET -> correctionOffsets(request);
            default -> cloneOffsets(request);
        };
    }

    /**
     * Per write queue: store times of the first and last message and of the last one the group consumed (the
     * first when it consumed none), and how long the next one has waited. The reference takes that next message
     * at the committed offset even when the group committed nothing (-1) or the store no longer holds it, which
     * yields a delay of about the epoch; here it is the first message still stored, and 0 if the store has no
     * time for it.
     */
    private CompletableFuture<RemotingCommand> timeSpan(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        String group = Responses.legalGroup(h.string("group"));
        Optional<TopicConfig> config = topics.find(topic);
        if (config.isEmpty()) {
            return Responses.error(request, ResponseCode.TOPIC_NOT_EXIST, "topic[" + topic + "] not exist");
        }
        long now = clock.millis();
        List<QueueTimeSpan> spans = new ArrayList<>();
        for (int q = 0; q < config.get().writeQueueNums(); q++) {
            long min = store.earliestMessageStoreTime(topic, q);
            long max = store.maxOffset(topic, q);
            long committed = offsets.query(group, topic, q).orElse(-1);
            long consumed = committed > 0 ? store.storeTimeOf(topic, q, committed - 1) : min;
            long delay = 0;
            if (committed < max) {
                long next = store.storeTimeOf(topic, q, Math.max(committed, store.minOffset(topic, q)));
                delay = next < 0 ? 0 : now - next;
            }
            spans.add(new QueueTimeSpan(
                    new MessageQueue(topic, brokerName, q),
                    min,
                    store.storeTimeOf(topic, q, max - 1),
                    consumed,
                    delay));
        }
        return Responses.json(request, new QueryConsumeTimeSpanBody(spans));
    }

    /**
     * Per queue, the smallest committed offset still in the store over every group on the topic except
     * {@code filterGroups} ({@code compareGroup} counts unless filtered); then each queue {@code compareGroup}
     * committed on becomes Long.MAX_VALUE when that smallest offset is past the group's. A queue no counted group
     * holds a stored offset on has no smallest, taken as Long.MAX_VALUE: the reference fails there with a
     * NullPointerException. It also removes the filtered groups from its live offset table while it looks; here
     * the table is only read.
     */
    private CompletableFuture<RemotingCommand> correctionOffsets(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        String compareGroup = Responses.legalGroup(h.string("compareGroup"));
        Set<String> filtered = new TreeSet<>();
        String filterGroups = h.optionalString("filterGroups");
        if (filterGroups != null && !filterGroups.isBlank()) {
            filtered.addAll(List.of(filterGroups.split(",")));
        }
        Map<Integer, Long> smallest = new HashMap<>();
        for (String group : offsets.groupsOf(topic)) {
            if (filtered.contains(group)) {
                continue;
            }
            offsets.offsetsOf(group, topic).forEach((queueId, offset) -> {
                if (offset >= store.minOffset(topic, queueId)) {
                    smallest.merge(queueId, offset, Math::min);
                }
            });
        }
        offsets.offsetsOf(compareGroup, topic).forEach((queueId, offset) -> {
            long min = smallest.getOrDefault(queueId, Long.MAX_VALUE);
            smallest.put(queueId, min > offset ? Long.MAX_VALUE : min);
        });
        return Responses.json(request, new QueryCorrectionOffsetBody(smallest));
    }

    /**
     * Copies {@code srcGroup}'s offsets to {@code destGroup} on the topic, or on every topic the source has offsets
     * on when none is given. Skipped, as by the reference: a topic not configured here, and unless {@code offline}
     * a topic an online source group does not subscribe to. The reference, given no topic, copies under the blank
     * name and so copies nothing; here each of the source's topics is copied.
     */
    private CompletableFuture<RemotingCommand> cloneOffsets(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String source = Responses.legalGroup(h.string("srcGroup"));
        String dest = Responses.legalGroup(h.string("destGroup"));
        String onlyTopic = Responses.legalTopicIfPresent(h.optionalString("topic"));
        boolean offline = h.booleanValue("offline", false);
        Set<String> wanted =
                onlyTopic == null || onlyTopic.isBlank() ? new TreeSet<>(offsets.topicsOf(source)) : Set.of(onlyTopic);
        Set<String> subscribed = consumers.subscribedTopics(source);
        for (String topic : wanted) {
            if (topics.find(topic).isEmpty()) {
                LOG.warn("[clone-offset] {} to {}: topic {} not configured here, skipped", source, dest, topic);
            } else if (!offline && !subscribed.isEmpty() && !subscribed.contains(topic)) {
                LOG.warn(
                        "[clone-offset] {} to {}: online {} does not subscribe {}, skipped",
                        source,
                        dest,
                        source,
                        topic);
            } else if (offsets.cloneOffsets(source, dest, topic)) {
                LOG.info("[clone-offset] {} to {} on {}", source, dest, topic);
            }
        }
        return Responses.ok(request);
    }
}
