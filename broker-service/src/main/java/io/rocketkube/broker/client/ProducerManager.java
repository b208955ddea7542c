package io.rocketkube.broker.client;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.Connection;
import io.rocketkube.client.protocol.ProducerInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Producer groups and their live channels (from HEART_BEAT), for GET_PRODUCER_CONNECTION_LIST,
 * GET_ALL_PRODUCER_INFO and the transaction check-backs.
 *
 * <p>Thread-safe.
 */
public final class ProducerManager {
    private final Map<String, Map<Channel, ClientChannel>> groups = new ConcurrentHashMap<>();

    public void register(String group, ClientChannel client) {
        groups.computeIfAbsent(group, g -> new ConcurrentHashMap<>()).put(client.channel(), client);
    }

    public void unregister(String group, Channel channel) {
        Map<Channel, ClientChannel> members = groups.get(group);
        if (members != null) {
            members.remove(channel);
            groups.computeIfPresent(group, (g, m) -> m.isEmpty() ? null : m);
        }
    }

    public void channelClosed(Channel channel) {
        for (String group : List.copyOf(groups.keySet())) {
            unregister(group, channel);
        }
    }

    public void expireIdle(long deadline) {
        groups.values().forEach(members -> members.values().removeIf(c -> c.lastHeartbeat() < deadline));
        groups.entrySet().removeIf(e -> e.getValue().isEmpty());
    }

    /** The live channels of a producer group, for transaction check-backs. */
    public List<Channel> channels(String group) {
        Map<Channel, ClientChannel> members = groups.get(group);
        return members == null ? List.of() : List.copyOf(members.keySet());
    }

    public List<Connection> connections(String group) {
        Map<Channel, ClientChannel> members = groups.get(group);
        if (members == null) {
            return List.of();
        }
        return members.values().stream()
                .map(c -> new Connection(c.clientId(), c.remoteAddress(), c.language(), c.version()))
                .toList();
    }

    /** Every group with its producers, each group's sorted by client id so that answers are stable. */
    public Map<String, List<ProducerInfo>> producerTable() {
        Map<String, List<ProducerInfo>> table = new TreeMap<>();
        groups.forEach((group, members) -> {
            List<ProducerInfo> infos = members.values().stream()
                    .map(c -> new ProducerInfo(
                            c.clientId(), c.remoteAddress(), c.language(), c.version(), c.lastHeartbeat()))
                    .sorted(Comparator.comparing(ProducerInfo::clientId))
                    .toList();
            if (!infos.isEmpty()) {
                table.put(group, infos);
            }
        });
        return table;
    }

    /** A live channel of the client {@code clientId} in any producer group (request-reply pushes to it). */
    public java.util.Optional<Channel> findChannel(String clientId) {
        for (Map<Channel, ClientChannel> members : groups.values()) {
            for (ClientChannel c : members.values()) {
                if (c.clientId().equals(clientId) && c.channel().isActive()) {
                    return java.util.Optional.of(c.channel());
                }
            }
        }
        return java.util.Optional.empty();
    }
}
