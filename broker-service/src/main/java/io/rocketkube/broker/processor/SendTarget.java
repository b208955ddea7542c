package io.rocketkube.broker.processor;

import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.protocol.TopicConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Where a send goes: steps 2–5 of docs/protocol.md §5.2.4. Validates the topic, finds it or creates it
 * (from the template, or as a retry topic), checks permission and queue id, and for retry topics decides
 * whether the message has exhausted its retries and goes to the group's dead-letter topic instead.
 */
final class SendTarget {
    private static final int RETRY_QUEUE_NUMS = 1;
    private static final int VERSION_HONOURING_MAX_RECONSUME = 121;

    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final BooleanSupplier autoCreateTopic;

    /** @param autoCreateTopic whether a send may create its topic from the template now ({@code autoCreateTopicEnable}) */
    SendTarget(TopicConfigManager topics, SubscriptionGroupManager groups, BooleanSupplier autoCreateTopic) {
        this.topics = topics;
        this.groups = groups;
        this.autoCreateTopic = autoCreateTopic;
    }

    /** The resolved topic and queue. */
    record Resolved(String topic, int queueId) {}

    /**
     * Whether a send to {@code topic} resolves without creating anything: the topic exists and is not a
     * retry topic (those may route to a dead-letter topic created on the spot).
     */
    boolean resolvesWithoutCreating(String topic) {
        return topic != null && !TopicNames.isRetry(topic) && topics.find(topic).isPresent();
    }

    Resolved resolve(SendRequestHeader header, int requestVersion) {
        Responses.legalTopic(header.topic());
        Responses.legalTopicIfPresent(header.defaultTopic());
        Responses.legalGroupIfPresent(header.producerGroup());
        if (!TopicNames.isWritableByClients(header.topic())) {
            throw Responses.reject(
                    ResponseCode.NO_PERMISSION, "sending message to topic[" + header.topic() + "] is forbidden");
        }
        TopicConfig topic = findOrCreate(header);
        if (!PermName.isWriteable(topic.perm())) {
            throw Responses.reject(
                    ResponseCode.NO_PERMISSION, "the topic[" + header.topic() + "] sending message is forbidden");
        }
        int queueId = header.queueId();
        int queues = Math.max(topic.writeQueueNums(), topic.readQueueNums());
        if (queueId >= queues) {
            throw Responses.reject(
                    ResponseCode.SYSTEM_ERROR,
                    "request queueId[" + queueId + "] is illegal, "
                            + RemotingJson.mapper().valueToTree(topic) + " Producer: " + header.producerGroup());
        }
        if (queueId < 0) {
            queueId = ThreadLocalRandom.current().nextInt(Math.max(1, topic.writeQueueNums()));
        }
        if (TopicNames.isRetry(header.topic())) {
            return retryOrDeadLetter(header, queueId, requestVersion);
        }
        return new Resolved(header.topic(), queueId);
    }

    /** Creates a system topic the broker writes to itself (one queue, read-write) unless it exists. */
    void ensureSystemTopic(String topic) {
        topics.createIfAbsent(topic, 1, PermName.READ_WRITE);
    }

    private TopicConfig findOrCreate(SendRequestHeader header) {
        return topics.find(header.topic())
                .or(() -> TopicNames.isRetry(header.topic())
                        ? java.util.Optional.of(
                                topics.createIfAbsent(header.topic(), RETRY_QUEUE_NUMS, PermName.READ_WRITE))
                        : java.util.Optional.empty())
                .or(() -> autoCreateTopic.getAsBoolean()
                        ? topics.createFromTemplate(
                                header.topic(), header.defaultTopic(), header.defaultTopicQueueNums())
                        : java.util.Optional.empty())
                .orElseThrow(() -> Responses.reject(
                        ResponseCode.TOPIC_NOT_EXIST, "topic[" + header.topic() + "] not exist, apply first please!"));
    }

    private Resolved retryOrDeadLetter(SendRequestHeader header, int queueId, int requestVersion) {
        String group = header.topic().substring(TopicNames.RETRY_PREFIX.length());
        SubscriptionGroupConfig config = groups.findOrCreate(group)
                .orElseThrow(() -> Responses.reject(
                        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, "subscription group not exist, " + group));
        int max = requestVersion >= VERSION_HONOURING_MAX_RECONSUME && header.maxReconsumeTimes() != null
                ? header.maxReconsumeTimes()
                : config.retryMaxTimes();
        if (header.reconsumeTimes() >= max) {
            String dlq = TopicNames.dlqTopic(group);
            topics.createIfAbsent(dlq, 1, PermName.READ_WRITE);
            return new Resolved(dlq, 0);
        }
        return new Resolved(header.topic(), queueId);
    }
}
