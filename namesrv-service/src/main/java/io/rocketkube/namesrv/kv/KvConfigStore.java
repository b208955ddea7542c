package io.rocketkube.namesrv.kv;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Namespaced key/value configuration (ORDER_TOPIC_CONFIG and whatever admins put there), persisted to
 * {@code kv-config.dat} on every change. The payload is JSON {@code {namespace: {key: value}}} inside a
 * {@link ChecksummedFile} with magic "RKKV".
 *
 * <p>A change is applied in memory only after it is on disk: if the write fails, the caller gets the error
 * and the table is as it was.
 */
public final class KvConfigStore {
    static final int MAGIC = 0x524B4B56;
    static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "kv-config.dat";

    private final ChecksummedFile file;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private Map<String, Map<String, String>> table = new HashMap<>();

    public KvConfigStore(Path dataDir) {
        this.file = new ChecksummedFile(dataDir.resolve(FILE_NAME), MAGIC, FORMAT_VERSION);
    }

    /** Loads the file if it exists. A damaged file stops start-up rather than silently losing config. */
    public void load() throws IOException {
        Optional<byte[]> payload = file.read();
        if (payload.isPresent()) {
            Map<String, Map<String, String>> loaded = RemotingJson.mapper()
                    .readValue(payload.get(), new TypeReference<Map<String, Map<String, String>>>() {});
            lock.writeLock().lock();
            try {
                table = deepCopy(loaded);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    public void put(String namespace, String key, String value) {
        mutate(copy -> copy.computeIfAbsent(namespace, n -> new HashMap<>()).put(key, value));
    }

    /**
     * Puts every entry of {@code entries} with one write: either all of them are stored or, if the write
     * fails, none. Existing keys are overwritten, keys not named are kept.
     */
    public void putAll(Map<String, Map<String, String>> entries) {
        mutate(copy -> entries.forEach((namespace, values) -> {
            if (!values.isEmpty()) {
                copy.computeIfAbsent(namespace, n -> new HashMap<>()).putAll(values);
            }
        }));
    }

    public void delete(String namespace, String key) {
        mutate(copy -> {
            Map<String, String> entries = copy.get(namespace);
            if (entries != null) {
                entries.remove(key);
                if (entries.isEmpty()) {
                    copy.remove(namespace);
                }
            }
        });
    }

    public Optional<String> get(String namespace, String key) {
        lock.readLock().lock();
        try {
            Map<String, String> entries = table.get(namespace);
            return Optional.ofNullable(entries == null ? null : entries.get(key));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The namespace's entries, or empty if it has none. */
    public Optional<Map<String, String>> namespace(String namespace) {
        lock.readLock().lock();
        try {
            Map<String, String> entries = table.get(namespace);
            return entries == null || entries.isEmpty() ? Optional.empty() : Optional.of(new TreeMap<>(entries));
        } finally {
            lock.readLock().unlock();
        }
    }

    private void mutate(java.util.function.Consumer<Map<String, Map<String, String>>> change) {
        lock.writeLock().lock();
        try {
            Map<String, Map<String, String>> copy = deepCopy(table);
            change.accept(copy);
            file.write(RemotingJson.encode(copy));
            table = copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist KV config to " + file.path(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static Map<String, Map<String, String>> deepCopy(Map<String, Map<String, String>> source) {
        Map<String, Map<String, String>> copy = new HashMap<>();
        source.forEach((ns, entries) -> copy.put(ns, new HashMap<>(entries)));
        return copy;
    }
}
