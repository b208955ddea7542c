package io.rocketkube.broker.topic;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The broker's topic table: lookups, creation (explicit and automatic), deletion, and its persistence.
 * Every change bumps the {@link DataVersion}, is written to disk before it is visible to the caller's answer,
 * and is announced to listeners (the NameServer registrar re-registers at once).
 *
 * <p>Thread-safe: reads are lock-free; changes are serialised on this object so that the table, its version
 * and the file always agree.
 */
public final class TopicConfigManager {
    /** Most read or write queues a topic may have, as an admin's request may set. */
    public static final int MAX_QUEUES = 1024;

    /** Told after a committed change; runs on the changing thread, must not block. */
    public interface ChangeListener {
        void topicsChanged();
    }

    private final Map<String, TopicConfig> topics = new ConcurrentHashMap<>();
    private final ChecksummedFile file;
    private final Clock clock;
    private final Set<String> systemTopics;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private volatile DataVersion dataVersion;

    private TopicConfigManager(ChecksummedFile file, Clock clock, Set<String> systemTopics) {
        this.file = file;
        this.clock = clock;
        this.systemTopics = Set.copyOf(systemTopics);
        this.dataVersion = new DataVersion(0, clock.millis(), null);
    }

    /** Loads the persisted table and adds the system topics the settings call for. */
    public static TopicConfigManager load(ChecksummedFile file, BrokerSettings settings, Clock clock)
            throws IOException {
        TopicConfigManager manager = new TopicConfigManager(
                file, clock, TopicNames.systemTopics(settings.clusterName(), settings.brokerName()));
        Optional<byte[]> stored = file.read();
        if (stored.isPresent()) {
            TopicConfigSerializeWrapper wrapper =
                    RemotingJson.mapper().readValue(stored.get(), new TypeReference<TopicConfigSerializeWrapper>() {});
            manager.topics.putAll(wrapper.topicConfigTable());
            manager.dataVersion = wrapper.dataVersion();
        }
        manager.ensureSystemTopics(settings);
        return manager;
    }

    private synchronized void ensureSystemTopics(BrokerSettings settings) throws IOException {
        boolean changed = false;
        changed |= putIfAbsent(TopicConfig.of(TopicNames.SELF_TEST_TOPIC, 1, PermName.READ_WRITE));
        changed |= setAutoCreateTemplate(settings.autoCreateTopic(), settings.defaultTopicQueueNums());
        changed |= putIfAbsent(TopicConfig.of(settings.clusterName(), 16, PermName.READ_WRITE | PermName.PERM_INHERIT));
        changed |= putIfAbsent(TopicConfig.of(settings.brokerName(), 1, PermName.READ_WRITE | PermName.PERM_INHERIT));
        changed |= putIfAbsent(TopicConfig.of(TopicNames.OFFSET_MOVED_EVENT, 1, PermName.READ_WRITE));
        changed |= putIfAbsent(TopicConfig.of(TopicNames.SCHEDULE_TOPIC, 18, PermName.READ_WRITE));
        changed |= putIfAbsent(TopicConfig.of(TopicNames.TIMER_TOPIC, 1, PermName.READ_WRITE));
        changed |= putIfAbsent(TopicConfig.of(TopicNames.replyTopic(settings.clusterName()), 1, PermName.READ_WRITE));
        if (changed) {
            commit();
        }
    }

    /**
     * Adds or removes the template of automatic topic creation ({@code TBW102}, which clients find in the
     * routes) as {@code autoCreateTopicEnable} now says, persisted and announced when that changed the table.
     */
    public synchronized void autoCreateTemplate(boolean enabled, int queueNums) {
        TopicConfig previous = topics.get(TopicNames.AUTO_CREATE_TOPIC_KEY);
        if (setAutoCreateTemplate(enabled, queueNums)) {
            commitOrRollback(TopicNames.AUTO_CREATE_TOPIC_KEY, previous);
        }
    }

    private boolean setAutoCreateTemplate(boolean enabled, int queueNums) {
        if (enabled) {
            return putIfAbsent(TopicConfig.of(
                    TopicNames.AUTO_CREATE_TOPIC_KEY, queueNums, PermName.READ_WRITE | PermName.PERM_INHERIT));
        }
        return topics.remove(TopicNames.AUTO_CREATE_TOPIC_KEY) != null;
    }

    private boolean putIfAbsent(TopicConfig config) {
        return topics.putIfAbsent(config.topicName(), config) == null;
    }

    public Optional<TopicConfig> find(String topic) {
        return Optional.ofNullable(topics.get(topic));
    }

    /** The names reserved as system topics on this broker, whether or not they exist here (sorted). */
    public Set<String> systemTopics() {
        return new TreeSet<>(systemTopics);
    }

    public DataVersion dataVersion() {
        return dataVersion;
    }

    /** A consistent copy of the table with its version. */
    public synchronized TopicConfigSerializeWrapper snapshot() {
        return new TopicConfigSerializeWrapper(new TreeMap<>(topics), dataVersion);
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    /** Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC). */
    public synchronized void upsert(TopicConfig config) {
        TopicConfig previous = topics.put(config.topicName(), config);
        if (!config.equals(previous)) {
            commitOrRollback(config.topicName(), previous);
        }
    }

    /**
     * Creates {@code topic} from the template topic of a send, when the template exists and allows
     * inheritance: {@code min(requestedQueues, template.writeQueueNums)} queues, the template's perm minus
     * INHERIT. Empty when the template does not allow it.
     */
    public synchronized Optional<TopicConfig> createFromTemplate(
            String topic, String templateTopic, int requestedQueues) {
        TopicConfig existing = topics.get(topic);
        if (existing != null) {
            return Optional.of(existing);
        }
        TopicConfig template = templateTopic == null ? null : topics.get(templateTopic);
        if (template == null || !PermName.isInherited(template.perm())) {
            return Optional.empty();
        }
        int queues = Math.max(1, Math.min(requestedQueues, template.writeQueueNums()));
        TopicConfig created = new TopicConfig(
                topic,
                queues,
                queues,
                template.perm() & ~PermName.PERM_INHERIT,
                template.topicFilterType(),
                0,
                false,
                null);
        topics.put(topic, created);
        commitOrRollback(topic, null);
        return Optional.of(created);
    }

    /**
     * Creates {@code topic} with {@code queues} queues (within [1, {@link #MAX_QUEUES}]) and {@code perm} unless
     * it exists (retry and DLQ topics).
     */
    public TopicConfig createIfAbsent(String topic, int queues, int perm) {
        // Without the lock when it exists: every send-back, heartbeat and transactional send asks.
        TopicConfig existing = topics.get(topic);
        if (existing != null) {
            return existing;
        }
        createAllIfAbsent(Map.of(topic, queues), perm);
        return topics.get(topic);
    }

    /**
     * {@link #createIfAbsent} for several topics, {@code queuesByTopic} in order, with one write of the table
     * (and one change notice) for all those created; on a failed write none of them is created.
     */
    public synchronized void createAllIfAbsent(Map<String, Integer> queuesByTopic, int perm) {
        List<String> created = new ArrayList<>();
        queuesByTopic.forEach((topic, queues) -> {
            if (!topics.containsKey(topic)) {
                // A group's retryQueueNums persisted or synced before it was bounded must not make a topic of
                // 2^31 queues: every stats, route and offset answer for it walks them all.
                topics.put(topic, TopicConfig.of(topic, Math.max(1, Math.min(queues, MAX_QUEUES)), perm));
                created.add(topic);
            }
        });
        if (created.isEmpty()) {
            return;
        }
        commitOr(() -> created.forEach(topics::remove));
    }

    /** Removes a topic; true if it existed. */
    public synchronized boolean delete(String topic) {
        TopicConfig previous = topics.remove(topic);
        if (previous == null) {
            return false;
        }
        commitOrRollback(topic, previous);
        return true;
    }

    /**
     * A new data version without a topic change, persisted and announced: what the registered topics say
     * changed in another way (the broker permission), and NameServers only re-read topics of a new version.
     */
    public synchronized void touch() {
        try {
            commit();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist topic table to " + file.path(), e);
        }
    }

    /**
     * A slave's copy of its master's table (metadata sync): when the master's version differs from ours, the
     * table becomes the master's, with the master's version, on disk before it is visible. Topics the master
     * kept are never absent in between (a pull racing the sync must not see TOPIC_NOT_EXIST).
     *
     * @return whether anything was applied
     */
    public synchronized boolean replaceWith(TopicConfigSerializeWrapper master) {
        if (master.dataVersion().equals(dataVersion)) {
            return false;
        }
        try {
            file.write(RemotingJson.encode(
                    new TopicConfigSerializeWrapper(new TreeMap<>(master.topicConfigTable()), master.dataVersion())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist topic table to " + file.path(), e);
        }
        topics.keySet().retainAll(master.topicConfigTable().keySet());
        topics.putAll(master.topicConfigTable());
        dataVersion = master.dataVersion();
        for (ChangeListener listener : listeners) {
            listener.topicsChanged();
        }
        return true;
    }

    private void commitOrRollback(String topic, TopicConfig previous) {
        commitOr(() -> {
            if (previous == null) {
                topics.remove(topic);
            } else {
                topics.put(topic, previous);
            }
        });
    }

    /** Writes the table; if that fails, {@code undo} takes the change back out of memory and the caller gets the error. */
    private void commitOr(Runnable undo) {
        try {
            commit();
        } catch (IOException e) {
            undo.run();
            throw new UncheckedIOException("cannot persist topic table to " + file.path(), e);
        }
    }

    private void commit() throws IOException {
        DataVersion next = dataVersion.next(clock.millis());
        file.write(RemotingJson.encode(new TopicConfigSerializeWrapper(new TreeMap<>(topics), next)));
        dataVersion = next;
        for (ChangeListener listener : listeners) {
            listener.topicsChanged();
        }
    }

    public Map<String, TopicConfig> all() {
        return Map.copyOf(topics);
    }
}
