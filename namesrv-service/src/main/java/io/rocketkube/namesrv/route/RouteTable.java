package io.rocketkube.namesrv.route;

import io.rocketkube.client.protocol.BrokerData;
import io.rocketkube.client.protocol.ClusterInfo;
import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.QueueData;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicRouteData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongSupplier;

/**
 * The NameServer's whole state: five tables under one read-write lock, so every change is seen whole.
 * <ul>
 *   <li>topic → broker name → QueueData: who serves a topic, with how many queues</li>
 *   <li>broker name → cluster and addresses by broker id (0 = master)</li>
 *   <li>cluster → broker names</li>
 *   <li>broker address → last registration (liveness, data version, connection)</li>
 *   <li>broker address → filter servers (obsolete, kept for the route body's shape)</li>
 * </ul>
 * Lookups far outnumber registrations (every client polls every route every 30 s), hence the read lock.
 * Time comes from an injected clock so expiry can be tested without waiting.
 */
public final class RouteTable {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, Map<String, QueueData>> topicQueues = new HashMap<>();
    private final Map<String, BrokerGroup> brokerGroups = new HashMap<>();
    private final Map<String, Set<String>> clusters = new HashMap<>();
    private final Map<String, BrokerLiveInfo> liveBrokers = new HashMap<>();
    private final Map<String, List<String>> filterServers = new HashMap<>();
    private final LongSupplier clockMillis;

    /** A broker name's cluster and addresses; mutable, guarded by the table's lock. */
    private record BrokerGroup(String cluster, String brokerName, TreeMap<Long, String> addrs) {
        BrokerData snapshot() {
            return new BrokerData(cluster, brokerName, new TreeMap<>(addrs));
        }
    }

    public RouteTable(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    public RegisterResult register(BrokerRegistration registration) {
        lock.writeLock().lock();
        try {
            String brokerName = registration.brokerName();
            clusters.computeIfAbsent(registration.clusterName(), c -> new TreeSet<>())
                    .add(brokerName);
            BrokerGroup group = brokerGroups.computeIfAbsent(
                    brokerName, n -> new BrokerGroup(registration.clusterName(), n, new TreeMap<>()));
            // The same address under another id means a slave was promoted: its old id must go.
            group.addrs()
                    .entrySet()
                    .removeIf(e ->
                            e.getValue().equals(registration.brokerAddr()) && e.getKey() != registration.brokerId());
            boolean firstRegistration = group.addrs().put(registration.brokerId(), registration.brokerAddr()) == null;

            DataVersion version = registration.topics().dataVersion();
            BrokerLiveInfo previous = liveBrokers.put(
                    registration.brokerAddr(),
                    new BrokerLiveInfo(
                            clockMillis.getAsLong(), version, registration.connection(), registration.haServerAddr()));
            boolean versionChanged = previous == null || !previous.dataVersion().equals(version);
            if (registration.brokerId() == 0 && (firstRegistration || versionChanged)) {
                for (TopicConfig topic :
                        registration.topics().topicConfigTable().values()) {
                    topicQueues
                            .computeIfAbsent(topic.topicName(), t -> new HashMap<>())
                            .put(
                                    brokerName,
                                    new QueueData(
                                            brokerName,
                                            topic.readQueueNums(),
                                            topic.writeQueueNums(),
                                            topic.perm(),
                                            topic.topicSysFlag()));
                }
            }
            if (registration.filterServers().isEmpty()) {
                filterServers.remove(registration.brokerAddr());
            } else {
                filterServers.put(registration.brokerAddr(), List.copyOf(registration.filterServers()));
            }
            if (registration.brokerId() != 0) {
                String masterAddr = group.addrs().get(0L);
                BrokerLiveInfo master = masterAddr == null ? null : liveBrokers.get(masterAddr);
                if (master != null) {
                    return new RegisterResult(masterAddr, master.haServerAddr());
                }
            }
            return RegisterResult.NONE;
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void unregister(String clusterName, String brokerAddr, String brokerName, long brokerId) {
        lock.writeLock().lock();
        try {
            liveBrokers.remove(brokerAddr);
            filterServers.remove(brokerAddr);
            BrokerGroup group = brokerGroups.get(brokerName);
            if (group != null && brokerAddr.equals(group.addrs().get(brokerId))) {
                group.addrs().remove(brokerId);
                if (group.addrs().isEmpty()) {
                    removeBrokerName(group);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops every broker that registered over {@code connection}; returns their addresses. */
    public List<String> connectionClosed(Object connection) {
        lock.writeLock().lock();
        try {
            List<String> owned = new ArrayList<>();
            liveBrokers.forEach((addr, info) -> {
                if (info.connection() == connection) {
                    owned.add(addr);
                }
            });
            owned.forEach(this::removeBrokerAddress);
            return owned;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops brokers whose last registration is older than {@code expiryMillis}. */
    public List<ExpiredBroker> expire(long expiryMillis) {
        long now = clockMillis.getAsLong();
        lock.writeLock().lock();
        try {
            List<ExpiredBroker> expired = new ArrayList<>();
            liveBrokers.forEach((addr, info) -> {
                long silent = now - info.lastUpdateMillis();
                if (silent > expiryMillis) {
                    expired.add(new ExpiredBroker(addr, info.connection(), silent));
                }
            });
            expired.forEach(e -> removeBrokerAddress(e.brokerAddr()));
            return expired;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Empty when no live broker group serves the topic. */
    public Optional<TopicRouteData> route(String topic, String orderTopicConf) {
        lock.readLock().lock();
        try {
            Map<String, QueueData> queues = topicQueues.get(topic);
            if (queues == null || queues.isEmpty()) {
                return Optional.empty();
            }
            List<QueueData> queueDatas = new ArrayList<>(new TreeMap<>(queues).values());
            List<BrokerData> brokerDatas = new ArrayList<>();
            Map<String, List<String>> filters = new HashMap<>();
            for (QueueData queue : queueDatas) {
                BrokerGroup group = brokerGroups.get(queue.brokerName());
                if (group == null) {
                    continue;
                }
                brokerDatas.add(group.snapshot());
                for (String addr : group.addrs().values()) {
                    List<String> servers = filterServers.get(addr);
                    if (servers != null) {
                        filters.put(addr, servers);
                    }
                }
            }
            if (brokerDatas.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new TopicRouteData(orderTopicConf, queueDatas, brokerDatas, filters));
        } finally {
            lock.readLock().unlock();
        }
    }

    public ClusterInfo clusterInfo() {
        lock.readLock().lock();
        try {
            Map<String, BrokerData> groups = new TreeMap<>();
            brokerGroups.forEach((name, group) -> groups.put(name, group.snapshot()));
            Map<String, Set<String>> clusterNames = new TreeMap<>();
            clusters.forEach((cluster, names) -> clusterNames.put(cluster, new TreeSet<>(names)));
            return new ClusterInfo(groups, clusterNames);
        } finally {
            lock.readLock().unlock();
        }
    }

    public Set<String> allTopics() {
        lock.readLock().lock();
        try {
            return new TreeSet<>(topicQueues.keySet());
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Topics served by at least one broker group of {@code cluster}. */
    public Set<String> topicsOfCluster(String cluster) {
        lock.readLock().lock();
        try {
            Set<String> names = clusters.getOrDefault(cluster, Set.of());
            Set<String> topics = new TreeSet<>();
            topicQueues.forEach((topic, queues) -> {
                if (queues.keySet().stream().anyMatch(names::contains)) {
                    topics.add(topic);
                }
            });
            return topics;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The reference's "system topics": every cluster name and broker name, which brokers create as topics. */
    public Set<String> systemTopics() {
        lock.readLock().lock();
        try {
            Set<String> topics = new TreeSet<>(clusters.keySet());
            clusters.values().forEach(topics::addAll);
            return topics;
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The address of one registered broker (the first broker name's lowest id, a master when it has one), or
     * null when none is: the reference's system-topic answer names one, and the client then asks that broker
     * for the topics every broker creates for itself (GET_SYSTEM_TOPIC_LIST_FROM_BROKER).
     */
    public String anyBrokerAddress() {
        lock.readLock().lock();
        try {
            return new TreeMap<>(brokerGroups)
                    .values().stream()
                            .filter(g -> !g.addrs().isEmpty())
                            .map(g -> g.addrs().firstEntry().getValue())
                            .findFirst()
                            .orElse(null);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Clears the write bit on every topic the broker group serves; returns how many topics changed. */
    public int wipeWritePermission(String brokerName) {
        return updatePermission(brokerName, perm -> perm & ~PermName.PERM_WRITE);
    }

    /** Restores read-write on every topic the broker group serves; returns how many topics changed. */
    public int addWritePermission(String brokerName) {
        return updatePermission(brokerName, perm -> PermName.READ_WRITE);
    }

    private int updatePermission(String brokerName, java.util.function.IntUnaryOperator change) {
        lock.writeLock().lock();
        try {
            int count = 0;
            for (Map<String, QueueData> queues : topicQueues.values()) {
                QueueData queue = queues.get(brokerName);
                if (queue != null) {
                    queues.put(brokerName, queue.withPerm(change.applyAsInt(queue.perm())));
                    count++;
                }
            }
            return count;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the topic entirely, or (with a cluster) only that cluster's broker groups from it. */
    public void deleteTopic(String topic, String clusterName) {
        lock.writeLock().lock();
        try {
            if (clusterName == null || clusterName.isEmpty()) {
                topicQueues.remove(topic);
                return;
            }
            Map<String, QueueData> queues = topicQueues.get(topic);
            Set<String> names = clusters.get(clusterName);
            if (queues != null && names != null) {
                queues.keySet().removeAll(names);
                if (queues.isEmpty()) {
                    topicQueues.remove(topic);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The data version last registered from {@code brokerAddr}, or null if it is not live. */
    public DataVersion dataVersionOf(String brokerAddr) {
        lock.readLock().lock();
        try {
            BrokerLiveInfo info = liveBrokers.get(brokerAddr);
            return info == null ? null : info.dataVersion();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Marks a broker alive without re-reading its topics (QUERY_DATA_VERSION with an unchanged version). */
    public void touch(String brokerAddr) {
        lock.writeLock().lock();
        try {
            liveBrokers.computeIfPresent(
                    brokerAddr,
                    (addr, info) -> new BrokerLiveInfo(
                            clockMillis.getAsLong(), info.dataVersion(), info.connection(), info.haServerAddr()));
        } finally {
            lock.writeLock().unlock();
        }
    }

    public int liveBrokerCount() {
        lock.readLock().lock();
        try {
            return liveBrokers.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    public int topicCount() {
        lock.readLock().lock();
        try {
            return topicQueues.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Caller holds the write lock. */
    private void removeBrokerAddress(String brokerAddr) {
        liveBrokers.remove(brokerAddr);
        filterServers.remove(brokerAddr);
        for (BrokerGroup group : List.copyOf(brokerGroups.values())) {
            if (group.addrs().values().removeIf(brokerAddr::equals)
                    && group.addrs().isEmpty()) {
                removeBrokerName(group);
            }
        }
    }

    /** Caller holds the write lock. The group has no address left: it leaves its cluster and every topic. */
    private void removeBrokerName(BrokerGroup group) {
        brokerGroups.remove(group.brokerName());
        Set<String> names = clusters.get(group.cluster());
        if (names != null && names.remove(group.brokerName()) && names.isEmpty()) {
            clusters.remove(group.cluster());
        }
        topicQueues.values().forEach(queues -> queues.remove(group.brokerName()));
        topicQueues.values().removeIf(Map::isEmpty);
    }
}
