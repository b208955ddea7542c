package io.rocketkube.broker.offset;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Committed consumer offsets, keyed {@code topic@group} then queue id (the reference's table shape).
 * Commits land in memory at once and reach disk on {@link #persist()}, which the broker runs every few
 * seconds and at shutdown; a clean restart therefore keeps every commit.
 *
 * <p>Thread-safe. {@link #persist()} snapshots under no lock: a commit racing it is written next time.
 */
public final class ConsumerOffsetManager {
    private static final String SEPARATOR = "@";

    private final Map<String, Map<Integer, Long>> offsets = new ConcurrentHashMap<>();
    /** Where each group's last answered pull ended, same keys; memory only, as the reference keeps it. */
    private final Map<String, Map<Integer, Long>> pulled = new ConcurrentHashMap<>();

    private final ChecksummedFile file;
    private final Object persistLock = new Object();

    private ConsumerOffsetManager(ChecksummedFile file) {
        this.file = file;
    }

    public static ConsumerOffsetManager load(ChecksummedFile file) throws IOException {
        ConsumerOffsetManager manager = new ConsumerOffsetManager(file);
        Optional<byte[]> stored = file.read();
        if (stored.isPresent()) {
            Map<String, Map<Integer, Long>> table = RemotingJson.mapper()
                    .readValue(stored.get(), new TypeReference<Map<String, Map<Integer, Long>>>() {});
            table.forEach((key, queues) -> manager.offsets.put(key, new ConcurrentHashMap<>(queues)));
        }
        return manager;
    }

    public void commit(String group, String topic, int queueId, long offset) {
        offsets.computeIfAbsent(topic + SEPARATOR + group, k -> new ConcurrentHashMap<>())
                .put(queueId, offset);
    }

    /** A pull answered up to {@code nextOffset}, for the in-flight count of 5.x mqadmin consumerProgress. */
    public void recordPull(String group, String topic, int queueId, long nextOffset) {
        pulled.computeIfAbsent(topic + SEPARATOR + group, k -> new ConcurrentHashMap<>())
                .put(queueId, nextOffset);
    }

    /** Where the group's last pull on the queue ended, or its committed offset if it has not pulled since start. */
    public OptionalLong pullOffset(String group, String topic, int queueId) {
        Map<Integer, Long> queues = pulled.get(topic + SEPARATOR + group);
        Long offset = queues == null ? null : queues.get(queueId);
        return offset == null ? query(group, topic, queueId) : OptionalLong.of(offset);
    }

    /**
     * A slave's merge of its master's offsets (metadata sync): per queue the larger of ours and the master's.
     * RocketMQ 4.9 lets the master's value win, which throws away what consumers committed here while the
     * master was down, once a master that came back with older offsets is synced before they commit again.
     * Keeping the larger only costs a reset to an earlier offset made on the master: the slave keeps the later
     * one (a consumer that fails over then skips what the reset asked to consume again, nothing acknowledged
     * is lost from the store). Entries only the slave has are kept.
     *
     * @return how many queue offsets changed
     */
    public int mergeLarger(Map<String, Map<Integer, Long>> master) {
        int changed = 0;
        for (Map.Entry<String, Map<Integer, Long>> entry : master.entrySet()) {
            if (entry.getKey().indexOf(SEPARATOR) < 0 || entry.getValue() == null) {
                continue;
            }
            Map<Integer, Long> queues = offsets.computeIfAbsent(entry.getKey(), k -> new ConcurrentHashMap<>());
            for (Map.Entry<Integer, Long> queue : entry.getValue().entrySet()) {
                if (queue.getKey() == null || queue.getValue() == null) {
                    continue;
                }
                Long mine = queues.get(queue.getKey());
                if (mine == null || mine < queue.getValue()) {
                    queues.merge(queue.getKey(), queue.getValue(), Math::max);
                    changed++;
                }
            }
        }
        return changed;
    }

    public OptionalLong query(String group, String topic, int queueId) {
        Map<Integer, Long> queues = offsets.get(topic + SEPARATOR + group);
        Long offset = queues == null ? null : queues.get(queueId);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    /** The group's committed offsets on the topic, queue id to offset; empty if none. */
    public Map<Integer, Long> offsetsOf(String group, String topic) {
        Map<Integer, Long> queues = offsets.get(topic + SEPARATOR + group);
        return queues == null ? Map.of() : new TreeMap<>(queues);
    }

    /**
     * Replaces {@code destGroup}'s offsets on the topic with a copy of {@code srcGroup}'s (CLONE_GROUP_OFFSET); like
     * a commit it reaches disk with the next {@link #persist()}.
     *
     * @return false, changing nothing, when the source has no offsets on the topic
     */
    public boolean cloneOffsets(String srcGroup, String destGroup, String topic) {
        Map<Integer, Long> source = offsets.get(topic + SEPARATOR + srcGroup);
        if (source == null) {
            return false;
        }
        offsets.put(topic + SEPARATOR + destGroup, new ConcurrentHashMap<>(source));
        return true;
    }

    /** Topics the group has committed offsets for. */
    public Set<String> topicsOf(String group) {
        Set<String> topics = new HashSet<>();
        for (String key : offsets.keySet()) {
            int at = key.indexOf(SEPARATOR);
            if (key.substring(at + 1).equals(group)) {
                topics.add(key.substring(0, at));
            }
        }
        return topics;
    }

    /** Groups with committed offsets on any topic. */
    public Set<String> groups() {
        Set<String> groups = new HashSet<>();
        for (String key : offsets.keySet()) {
            groups.add(key.substring(key.indexOf(SEPARATOR) + 1));
        }
        return groups;
    }

    /** Groups with committed offsets on the topic. */
    public Set<String> groupsOf(String topic) {
        Set<String> groups = new HashSet<>();
        for (String key : offsets.keySet()) {
            int at = key.indexOf(SEPARATOR);
            if (key.substring(0, at).equals(topic)) {
                groups.add(key.substring(at + 1));
            }
        }
        return groups;
    }

    public void removeTopic(String topic) {
        removeKeys(key -> key.substring(0, key.indexOf(SEPARATOR)).equals(topic));
    }

    public void removeGroup(String group) {
        removeKeys(key -> key.substring(key.indexOf(SEPARATOR) + 1).equals(group));
    }

    /** Drops the {@code topic@group} keys that match from the committed and the pulled offsets alike. */
    private void removeKeys(java.util.function.Predicate<String> matches) {
        offsets.keySet().removeIf(matches);
        pulled.keySet().removeIf(matches);
    }

    /** A sorted copy of the whole table, {@code topic@group} to queue id to offset. */
    public Map<String, Map<Integer, Long>> snapshot() {
        Map<String, Map<Integer, Long>> snapshot = new TreeMap<>();
        offsets.forEach((key, queues) -> snapshot.put(key, new TreeMap<>(queues)));
        return snapshot;
    }

    /** Writes the whole table atomically. */
    public void persist() throws IOException {
        synchronized (persistLock) {
            file.write(RemotingJson.encode(snapshot()));
        }
    }
}
