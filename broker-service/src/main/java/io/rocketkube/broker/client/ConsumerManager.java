package io.rocketkube.broker.client;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.Connection;
import io.rocketkube.client.protocol.ConsumerConnection;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.SubscriptionData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consumer groups and their live channels, fed by HEART_BEAT and UNREGISTER_CLIENT and pruned on channel
 * close and idle expiry. Whenever a group's membership or subscriptions change, its members are told
 * through the {@link MembershipListener} (NOTIFY_CONSUMER_IDS_CHANGED), so they rebalance at once.
 *
 * <p>Thread-safe.
 */
public final class ConsumerManager {
    /** Told when a group's members or subscriptions changed. */
    public interface MembershipListener {
        void membershipChanged(String group, List<ClientChannel> members);
    }

    private final Map<String, ConsumerGroupInfo> groups = new ConcurrentHashMap<>();
    private final MembershipListener listener;

    public ConsumerManager(MembershipListener listener) {
        this.listener = listener;
    }

    public void register(ClientChannel client, ConsumerData data) {
        ConsumerGroupInfo info = groups.computeIfAbsent(data.groupName(), ConsumerGroupInfo::new);
        if (info.update(client, data)) {
            listener.membershipChanged(data.groupName(), info.members());
        }
    }

    public void unregister(String group, Channel channel) {
        ConsumerGroupInfo info = groups.get(group);
        if (info != null && info.remove(channel)) {
            afterRemoval(info);
        }
    }

    /** The channel closed: drop it from every group. */
    public void channelClosed(Channel channel) {
        for (ConsumerGroupInfo info : groups.values()) {
            if (info.remove(channel)) {
                afterRemoval(info);
            }
        }
    }

    /** Drops members without a heartbeat since {@code deadline}; returns their channels. */
    public List<Channel> expireIdle(long deadline) {
        List<Channel> expired = new ArrayList<>();
        for (ConsumerGroupInfo info : groups.values()) {
            List<ClientChannel> gone = info.expire(deadline);
            if (!gone.isEmpty()) {
                gone.forEach(c -> expired.add(c.channel()));
                afterRemoval(info);
            }
        }
        return expired;
    }

    private void afterRemoval(ConsumerGroupInfo info) {
        if (info.isEmpty()) {
            groups.remove(info.group(), info);
        } else {
            listener.membershipChanged(info.group(), info.members());
        }
    }

    /** Client ids of the group's live members, exactly as their heartbeats sent them. */
    public List<String> clientIds(String group) {
        ConsumerGroupInfo info = groups.get(group);
        if (info == null) {
            return List.of();
        }
        Set<String> ids = new HashSet<>();
        info.members().forEach(c -> ids.add(c.clientId()));
        return List.copyOf(ids);
    }

    /** The group's live members. */
    public List<ClientChannel> members(String group) {
        ConsumerGroupInfo info = groups.get(group);
        return info == null ? List.of() : info.members();
    }

    public boolean isOnline(String group) {
        ConsumerGroupInfo info = groups.get(group);
        return info != null && !info.isEmpty();
    }

    public Optional<SubscriptionData> subscription(String group, String topic) {
        ConsumerGroupInfo info = groups.get(group);
        return info == null ? Optional.empty() : info.subscription(topic);
    }

    /** Empty when the group never heartbeated here (pulls then answer SUBSCRIPTION_NOT_EXIST). */
    public Optional<String> messageModel(String group) {
        ConsumerGroupInfo info = groups.get(group);
        return info == null ? Optional.empty() : Optional.ofNullable(info.messageModel());
    }

    /** Topics the live group subscribes to. */
    public Set<String> subscribedTopics(String group) {
        ConsumerGroupInfo info = groups.get(group);
        return info == null ? Set.of() : Set.copyOf(info.subscriptions().keySet());
    }

    /** Groups whose live members subscribe to the topic. */
    public Set<String> groupsSubscribing(String topic) {
        Set<String> result = new HashSet<>();
        groups.forEach((name, info) -> {
            if (info.subscriptions().containsKey(topic)) {
                result.add(name);
            }
        });
        return result;
    }

    public Optional<ConsumerConnection> connection(String group) {
        ConsumerGroupInfo info = groups.get(group);
        if (info == null || info.isEmpty()) {
            return Optional.empty();
        }
        List<Connection> connections = info.members().stream()
                .map(c -> new Connection(c.clientId(), c.remoteAddress(), c.language(), c.version()))
                .toList();
        return Optional.of(new ConsumerConnection(
                connections,
                new HashMap<>(info.subscriptions()),
                info.consumeType(),
                info.messageModel(),
                info.consumeFromWhere()));
    }

    public Set<String> groupNames() {
        return Set.copyOf(groups.keySet());
    }
}
