package io.rocketkube.store.queue;

import io.rocketkube.store.commitlog.TopicQueue;
import io.rocketkube.store.file.FileSync;
import io.rocketkube.store.file.StorePaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * All ConsumeQueues, under {@code <root>/<topic>/<queueId>/}. Queues are created on first dispatch.
 *
 * <p>Thread-safe for lookups; creation and deletion may race only benignly (deleteTopic while a message
 * of that topic is being dispatched may leave a fresh queue for it, as in the reference broker).
 */
public final class ConsumeQueueSet {

    private final Path root;
    private final int entriesPerFile;
    private final ConcurrentHashMap<TopicQueue, ConsumeQueue> queues = new ConcurrentHashMap<>();

    private final FileSync sync;

    private ConsumeQueueSet(Path root, int entriesPerFile, FileSync sync) {
        this.root = root;
        this.entriesPerFile = entriesPerFile;
        this.sync = sync;
    }

    /** Opens every queue found under {@code root}. Directories that are not queue ids are ignored. */
    public static ConsumeQueueSet open(Path root, int entriesPerFile) {
        return open(root, entriesPerFile, FileSync.SYSTEM);
    }

    /** As {@link #open(Path, int)}; {@code sync} syncs the directories of new queues and files. */
    public static ConsumeQueueSet open(Path root, int entriesPerFile, FileSync sync) {
        ConsumeQueueSet set = new ConsumeQueueSet(root, entriesPerFile, sync);
        try {
            FileSync.createDirectories(root, sync);
            try (Stream<Path> topics = Files.list(root)) {
                for (Path topicDir : (Iterable<Path>) topics::iterator) {
                    if (!Files.isDirectory(topicDir)) {
                        continue;
                    }
                    try (Stream<Path> ids = Files.list(topicDir)) {
                        for (Path qDir : (Iterable<Path>) ids::iterator) {
                            Integer id = parseQueueId(qDir.getFileName().toString());
                            if (id != null && Files.isDirectory(qDir)) {
                                String topic = topicDir.getFileName().toString();
                                set.queues.put(
                                        new TopicQueue(topic, id),
                                        ConsumeQueue.open(qDir, topic, id, entriesPerFile, sync));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open consume queues under " + root, e);
        }
        return set;
    }

    public ConsumeQueue find(String topic, int queueId) {
        return queues.get(new TopicQueue(topic, queueId));
    }

    /**
     * The queue, created on first use.
     *
     * @throws IllegalArgumentException if the topic is not a safe directory name or the queue id is
     *                                  negative ({@link StorePaths}); nothing is created then
     */
    public ConsumeQueue getOrCreate(String topic, int queueId) {
        ConsumeQueue existing = queues.get(new TopicQueue(topic, queueId));
        if (existing != null) {
            return existing;
        }
        if (queueId < 0) {
            throw new IllegalArgumentException("refused queue id " + queueId + " of topic " + topic);
        }
        Path dir = StorePaths.child(StorePaths.child(root, topic), Integer.toString(queueId));
        return queues.computeIfAbsent(
                new TopicQueue(topic, queueId), tq -> ConsumeQueue.open(dir, topic, queueId, entriesPerFile, sync));
    }

    public Iterable<ConsumeQueue> all() {
        return queues.values();
    }

    /** Next queue offset of every queue, to continue appending after recovery. */
    public Map<TopicQueue, Long> maxOffsets() {
        Map<TopicQueue, Long> m = new HashMap<>();
        queues.forEach((tq, q) -> m.put(tq, q.maxOffset()));
        return m;
    }

    public Set<String> topics() {
        Set<String> t = new TreeSet<>();
        for (TopicQueue tq : queues.keySet()) {
            t.add(tq.topic());
        }
        return t;
    }

    public Set<Integer> queueIds(String topic) {
        Set<Integer> ids = new TreeSet<>();
        for (TopicQueue tq : queues.keySet()) {
            if (tq.topic().equals(topic)) {
                ids.add(tq.queueId());
            }
        }
        return ids;
    }

    /**
     * Deletes the topic's queues and its directory.
     *
     * @throws IllegalArgumentException if the topic is not a safe directory name; nothing is deleted then
     */
    public void deleteTopic(String topic) {
        Path topicDir = StorePaths.child(root, topic);
        for (TopicQueue tq : queues.keySet()) {
            if (tq.topic().equals(topic)) {
                ConsumeQueue q = queues.remove(tq);
                if (q != null) {
                    q.destroy();
                }
            }
        }
        try {
            if (Files.isDirectory(topicDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.deleteIfExists(topicDir);
            }
        } catch (IOException e) {
            // Leftover foreign files keep the directory; our queues are gone.
        }
    }

    public void flushAll() {
        for (ConsumeQueue q : queues.values()) {
            q.flush();
        }
    }

    public void truncateAllFrom(long commitLogEnd) {
        for (ConsumeQueue q : queues.values()) {
            q.truncateFrom(commitLogEnd);
        }
    }

    public void dropAllBefore(long commitLogMinOffset) {
        for (ConsumeQueue q : queues.values()) {
            q.dropBefore(commitLogMinOffset);
        }
    }

    public void close() {
        for (ConsumeQueue q : queues.values()) {
            q.close();
        }
        queues.clear();
    }

    private static Integer parseQueueId(String name) {
        try {
            int id = Integer.parseInt(name);
            return id >= 0 && Integer.toString(id).equals(name) ? id : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
