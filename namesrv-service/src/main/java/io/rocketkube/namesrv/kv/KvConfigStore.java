package io.rocketkube.namesrv.kv;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *
 * <p>Bounded, because any client may write it (a NameServer has no ACL): a namespace or key of at most
 * {@link #MAX_NAME_CHARS} characters, a value of at most {@link #MAX_VALUE_CHARS}, and the whole table at most
 * {@link #MAX_TABLE_BYTES} as JSON. Unbounded, a 15 MiB value a put filled the heap within a few puts, and a key
 * of 50,001 characters was written and then refused by the JSON reader's name limit at the next start, so the
 * NameServer never started again. A change beyond a bound is refused whole ({@link LimitExceeded}). The file is
 * read back without the reader's default name and string limits: what we wrote must always load.
 */
public final class KvConfigStore {
    static final int MAGIC = 0x524B4B56;
    static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "kv-config.dat";

    /** Longest namespace or key: a topic name (the reference's ORDER_TOPIC_CONFIG keys) is at most 127. */
    public static final int MAX_NAME_CHARS = 1024;
    /** Longest value. */
    public static final int MAX_VALUE_CHARS = 1 << 20;
    /**
     * Largest table, as the JSON the file holds; a GET_KVLIST_BY_NAMESPACE answer (one namespace, the same
     * JSON) then stays under the 16 MiB frame limit.
     */
    public static final int MAX_TABLE_BYTES = 8 << 20;

    /** A change refused by a bound; nothing of it was applied. */
    public static final class LimitExceeded extends IllegalArgumentException {
        LimitExceeded(String message) {
            super(message);
        }
    }

    private static final ObjectMapper FILE_READER = unlimitedReader();

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
            Map<String, Map<String, String>> loaded =
                    FILE_READER.readValue(payload.get(), new TypeReference<Map<String, Map<String, String>>>() {});
            lock.writeLock().lock();
            try {
                table = deepCopy(loaded);
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** @throws LimitExceeded when a name, the value or the table would exceed its bound */
    public void put(String namespace, String key, String value) {
        checkEntry(namespace, key, value);
        mutate(copy -> copy.computeIfAbsent(namespace, n -> new HashMap<>()).put(key, value));
    }

    /**
     * Puts every entry of {@code entries} with one write: either all of them are stored or, if the write
     * fails, none. Existing keys are overwritten, keys not named are kept.
     */
    public void putAll(Map<String, Map<String, String>> entries) {
        entries.forEach((namespace, values) -> values.forEach((key, value) -> checkEntry(namespace, key, value)));
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
            byte[] payload = RemotingJson.encode(copy);
            if (payload.length > MAX_TABLE_BYTES) {
                throw new LimitExceeded("the KV config would take " + payload.length + " bytes, at most "
                        + MAX_TABLE_BYTES + " are kept");
            }
            file.write(payload);
            table = copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist KV config to " + file.path(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void checkEntry(String namespace, String key, String value) {
        checkName("namespace", namespace);
        checkName("key", key);
        if (value != null && value.length() > MAX_VALUE_CHARS) {
            throw new LimitExceeded("KV value of " + namespace + "/" + abbreviated(key) + " has " + value.length()
                    + " characters, at most " + MAX_VALUE_CHARS);
        }
    }

    private static void checkName(String what, String name) {
        if (name != null && name.length() > MAX_NAME_CHARS) {
            throw new LimitExceeded("KV " + what + " " + abbreviated(name) + " has " + name.length()
                    + " characters, at most " + MAX_NAME_CHARS);
        }
    }

    private static String abbreviated(String name) {
        return name.length() <= 64 ? name : name.substring(0, 64) + "...";
    }

    private static ObjectMapper unlimitedReader() {
        ObjectMapper reader = RemotingJson.mapper().copy();
        reader.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNameLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .build());
        return reader;
    }

    private static Map<String, Map<String, String>> deepCopy(Map<String, Map<String, String>> source) {
        Map<String, Map<String, String>> copy = new HashMap<>();
        source.forEach((ns, entries) -> copy.put(ns, new HashMap<>(entries)));
        return copy;
    }
}
