package io.rocketkube.broker.client;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.SubscriptionData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live members of one consumer group and the subscriptions they registered. Like the reference, the
 * group holds one subscription per topic: the latest heartbeat's.
 *
 * <p>Thread-safe: mutations are synchronized; readers get snapshots.
 */
final class ConsumerGroupInfo {
    private final String group;
    private final Map<Channel, ClientChannel> channels = new ConcurrentHashMap<>();
    private volatile Map<String, SubscriptionData> subscriptions = Map.of();
    private volatile String consumeType;
    private volatile String messageModel;
    private volatile String consumeFromWhere;

    ConsumerGroupInfo(String group) {
        this.group = group;
    }

    String group() {
        return group;
    }

    /** Records a heartbeat; true when the member set or the subscriptions changed. */
    synchronized boolean update(ClientChannel client, ConsumerData data) {
        consumeType = data.consumeType();
        messageModel = data.messageModel();
        consumeFromWhere = data.consumeFromWhere();
        ClientChannel previous = channels.put(client.channel(), client);
        boolean membersChanged = previous == null || !previous.clientId().equals(client.clientId());
        Map<String, SubscriptionData> next = new HashMap<>();
        for (SubscriptionData sub : data.subscriptionDataSet()) {
            next.put(sub.topic(), sub);
        }
        boolean subscriptionsChanged = !sameTopicsAndExpressions(subscriptions, next);
        Map<String, SubscriptionData> merged = new HashMap<>(subscriptions);
        for (SubscriptionData sub : next.values()) {
            SubscriptionData old = merged.get(sub.topic());
            if (old == null || old.subVersion() <= sub.subVersion()) {
                merged.put(sub.topic(), sub);
            }
        }
        if (subscriptionsChanged) {
            // A topic no longer subscribed by the latest member is dropped, as the reference does.
            merged.keySet().retainAll(next.keySet());
        }
        subscriptions = Map.copyOf(merged);
        return membersChanged || subscriptionsChanged;
    }

    private static boolean sameTopicsAndExpressions(Map<String, SubscriptionData> a, Map<String, SubscriptionData> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (Map.Entry<String, SubscriptionData> e : a.entrySet()) {
            if (!java.util.Objects.equals(
                    e.getValue().subString(), b.get(e.getKey()).subString())) {
                return false;
            }
        }
        return true;
    }

    synchronized boolean remove(Channel channel) {
        return channels.remove(channel) != null;
    }

    /** Drops members whose last heartbeat is older than {@code deadline}; returns them. */
    synchronized List<ClientChannel> expire(long deadline) {
        List<ClientChannel> expired = channels.values().stream()
                .filter(c -> c.lastHeartbeat() < deadline)
                .toList();
        expired.forEach(c -> channels.remove(c.channel()));
        return expired;
    }

    boolean isEmpty() {
        return channels.isEmpty();
    }

    List<ClientChannel> members() {
        return List.copyOf(channels.values());
    }

    Optional<SubscriptionData> subscription(String topic) {
        return Optional.ofNullable(subscriptions.get(topic));
    }

    Map<String, SubscriptionData> subscriptions() {
        return subscriptions;
    }

    String consumeType() {
        return consumeType;
    }

    String messageModel() {
        return messageModel;
    }

    String consumeFromWhere() {
        return consumeFromWhere;
    }
}
