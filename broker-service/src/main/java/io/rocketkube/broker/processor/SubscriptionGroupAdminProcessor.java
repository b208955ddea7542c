package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;

/**
 * UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, DELETE_SUBSCRIPTIONGROUP and
 * 5.x's GET_SUBSCRIPTIONGROUP_CONFIG (§5.11).
 */
public final class SubscriptionGroupAdminProcessor implements RequestProcessor {
    public static final int GET_SUBSCRIPTIONGROUP_CONFIG = 352;
    public static final int[] CODES = {
        RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
        RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
        RequestCode.DELETE_SUBSCRIPTIONGROUP,
        GET_SUBSCRIPTIONGROUP_CONFIG
    };

    private final SubscriptionGroupManager groups;
    private final ConsumerOffsetManager offsets;

    public SubscriptionGroupAdminProcessor(SubscriptionGroupManager groups, ConsumerOffsetManager offsets) {
        this.groups = groups;
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        switch (request.code()) {
            case RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP -> {
                SubscriptionGroupConfig config = RemotingJson.decode(request.body(), SubscriptionGroupConfig.class);
                if (config.groupName() == null || config.groupName().isBlank()) {
                    throw Responses.reject(ResponseCode.SYSTEM_ERROR, "subscription group config without groupName");
                }
                Responses.legalGroup(config.groupName());
                if (config.retryQueueNums() < 0 || config.retryQueueNums() > TopicConfigManager.MAX_QUEUES) {
                    throw Responses.reject(
                            ResponseCode.SYSTEM_ERROR,
                            "retryQueueNums must be within [0, " + TopicConfigManager.MAX_QUEUES + "], got "
                                    + config.retryQueueNums());
                }
                groups.upsert(config);
                return Responses.ok(request);
            }
            case RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG -> {
                return Responses.json(request, groups.snapshot());
            }
            case RequestCode.DELETE_SUBSCRIPTIONGROUP -> {
                HeaderFields h = HeaderFields.of(request);
                String group = Responses.legalGroup(h.string("groupName"));
                groups.delete(group);
                if (h.booleanValue("removeOffset", false) || h.booleanValue("cleanOffset", false)) {
                    offsets.removeGroup(group);
                }
                return Responses.ok(request);
            }
            default -> {
                String group = Responses.legalGroup(HeaderFields.of(request).string("group"));
                return groups.find(group)
                        .map(config -> Responses.json(request, config))
                        .orElseGet(() -> Responses.error(
                                request,
                                ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
                                "subscription group [" + group + "] does not exist"));
            }
        }
    }
}
