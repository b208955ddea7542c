package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicList;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.util.concurrent.CompletableFuture;

/**
 * UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG, GET_TOPIC_CONFIG and
 * GET_SYSTEM_TOPIC_LIST_FROM_BROKER (§5.11).
 */
public final class TopicAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.UPDATE_AND_CREATE_TOPIC,
        RequestCode.DELETE_TOPIC_IN_BROKER,
        RequestCode.GET_ALL_TOPIC_CONFIG,
        RequestCode.GET_TOPIC_CONFIG,
        RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER
    };

    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final MessageStore store;

    public TopicAdminProcessor(TopicConfigManager topics, ConsumerOffsetManager offsets, MessageStore store) {
        this.topics = topics;
        this.offsets = offsets;
        this.store = store;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_TOPIC -> upsert(request);
            case RequestCode.DELETE_TOPIC_IN_BROKER -> delete(request);
            case RequestCode.GET_ALL_TOPIC_CONFIG -> Responses.json(request, topics.snapshot());
            case RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_BROKER ->
                Responses.json(request, TopicList.of(topics.systemTopics()));
            default -> getOne(request);
        };
    }

    private CompletableFuture<RemotingCommand> upsert(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = h.string("topic");
        int read = h.intValue("readQueueNums");
        int write = h.intValue("writeQueueNums");
        int perm = h.intValue("perm");
        String filterType = h.string("topicFilterType");
        int sysFlag = h.intValue("topicSysFlag", 0);
        boolean order = h.booleanValue("order", false);
        Responses.legalTopic(topic);
        refuseSystemTopic(topic);
        if (read < 1 || write < 1 || read > TopicConfigManager.MAX_QUEUES || write > TopicConfigManager.MAX_QUEUES) {
            throw Responses.reject(
                    ResponseCode.SYSTEM_ERROR,
                    "queue numbers must be within [1, " + TopicConfigManager.MAX_QUEUES + "], got read " + read
                            + " write " + write);
        }
        if (perm < 0 || perm > 7) {
            throw Responses.reject(ResponseCode.SYSTEM_ERROR, "perm must be within [0, 7], got " + perm);
        }
        if (!"SINGLE_TAG".equals(filterType) && !"MULTI_TAG".equals(filterType)) {
            throw Responses.reject(ResponseCode.SYSTEM_ERROR, "topicFilterType must be SINGLE_TAG or MULTI_TAG");
        }
        topics.upsert(new TopicConfig(topic, read, write, perm, filterType, sysFlag, order, null));
        return Responses.ok(request);
    }

    /**
     * The broker's own topics (its cluster's and its name, TBW102, the schedule, transaction, timer and reply
     * topics, any {@code rmq_sys_} name) are neither created nor deleted by an admin, with RocketMQ's answer: an
     * "update" of the topic named after the cluster would otherwise replace the broker's own. The trace topic
     * is the exception: a broker creates it only from TBW102, so with auto-creation off an admin must.
     */
    private void refuseSystemTopic(String topic) {
        boolean system = (topics.systemTopics().contains(topic) && !topic.equals(TopicNames.TRACE_TOPIC))
                || topic.startsWith(TopicNames.SYSTEM_TOPIC_PREFIX)
                || topic.equals(TopicNames.AUTO_CREATE_TOPIC_KEY)
                || !TopicNames.isWritableByClients(topic);
        if (system) {
            throw Responses.reject(
                    ResponseCode.SYSTEM_ERROR, "The topic[" + topic + "] is conflict with system topic.");
        }
    }

    private CompletableFuture<RemotingCommand> delete(RemotingCommand request) {
        String topic = Responses.legalTopic(HeaderFields.of(request).string("topic"));
        refuseSystemTopic(topic);
        topics.delete(topic);
        offsets.removeTopic(topic);
        store.deleteTopic(topic);
        return Responses.ok(request);
    }

    private CompletableFuture<RemotingCommand> getOne(RemotingCommand request) {
        String topic = Responses.legalTopic(HeaderFields.of(request).string("topic"));
        return topics.find(topic)
                .map(config -> Responses.json(request, config))
                .orElseGet(() -> Responses.error(
                        request, ResponseCode.TOPIC_NOT_EXIST, "No topic in this broker. topic: " + topic));
    }
}
