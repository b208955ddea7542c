package io.rocketkube.broker.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The few broker settings that mqadmin {@code updateBrokerConfig} may change while the broker runs, and
 * their persisted overrides. Everything else is static configuration (the immutable {@code BrokerSettings})
 * and is refused: a key we do not apply must not look accepted.
 *
 * <p>On disk ({@code config/runtimeConfig.rkc}, a {@link ChecksummedFile}): the payload is the JSON object
 * of the overridden keys only, values as the text mqadmin sent, e.g. {@code {"brokerPermission":"4"}}. At
 * start the overrides win over the static configuration.
 *
 * <p>An update is all-or-nothing: every key and value is validated, then the whole new override table is
 * written, and only then does memory change. Thread-safe: updates are serialized; readers see volatile
 * fields.
 */
public final class RuntimeConfig {
    public static final String BROKER_PERMISSION = "brokerPermission";
    private static final int VALID_PERMISSION_BITS = PermName.PERM_READ | PermName.PERM_WRITE | PermName.PERM_INHERIT;

    private final ChecksummedFile file;
    private final int defaultPermission;
    private volatile Map<String, String> overrides;
    private volatile int brokerPermission;

    private RuntimeConfig(ChecksummedFile file, int defaultPermission, Map<String, String> overrides) {
        this.file = file;
        this.defaultPermission = defaultPermission;
        apply(overrides);
    }

    /** Loads the persisted overrides; a stored value this version cannot apply is an error, not ignored. */
    public static RuntimeConfig load(ChecksummedFile file, int defaultPermission) throws IOException {
        Optional<byte[]> stored = file.read();
        Map<String, String> overrides = new TreeMap<>();
        if (stored.isPresent()) {
            overrides.putAll(
                    RemotingJson.mapper().readValue(stored.get(), new TypeReference<Map<String, String>>() {}));
            for (Map.Entry<String, String> e : overrides.entrySet()) {
                String problem = validate(e.getKey(), e.getValue());
                if (problem != null) {
                    throw new IOException(file.path() + ": " + problem);
                }
            }
        }
        return new RuntimeConfig(file, defaultPermission, overrides);
    }

    /** RocketMQ permission bits of the whole broker: 4 read, 2 write (6 both). */
    public int brokerPermission() {
        return brokerPermission;
    }

    /** Every runtime key with its current value, for GET_BROKER_CONFIG. */
    public Map<String, String> current() {
        return Map.of(BROKER_PERMISSION, String.valueOf(brokerPermission));
    }

    /**
     * Validates every change, persists the merged overrides, then applies them; on any refusal or I/O
     * failure nothing changes.
     *
     * @return the keys whose value changed
     * @throws IllegalArgumentException naming the first key that cannot be changed at runtime or its bad value
     */
    public synchronized Set<String> update(Map<String, String> changes) throws IOException {
        for (Map.Entry<String, String> e : new TreeMap<>(changes).entrySet()) {
            String problem = validate(e.getKey(), e.getValue());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        Map<String, String> before = current();
        Map<String, String> merged = new TreeMap<>(overrides);
        changes.forEach((k, v) -> merged.put(k, v.trim()));
        file.write(RemotingJson.encode(merged));
        apply(merged);
        Set<String> changed = new TreeSet<>();
        current().forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                changed.add(k);
            }
        });
        return changed;
    }

    /** Puts back exactly {@code previous} (as {@link #overrides()} returned it), on disk and in memory. */
    public synchronized void restore(Map<String, String> previous) throws IOException {
        file.write(RemotingJson.encode(new TreeMap<>(previous)));
        apply(previous);
    }

    /** The persisted overrides only. */
    public Map<String, String> overrides() {
        return overrides;
    }

    private void apply(Map<String, String> table) {
        String permission = table.get(BROKER_PERMISSION);
        brokerPermission = permission == null ? defaultPermission : Integer.parseInt(permission.trim());
        overrides = Map.copyOf(table);
    }

    /** Null when {@code key=value} may be applied at runtime, else why not. */
    private static String validate(String key, String value) {
        if (!BROKER_PERMISSION.equals(key)) {
            return "broker config key [" + key + "] is unknown or cannot be changed at runtime; runtime keys: ["
                    + BROKER_PERMISSION + "]";
        }
        int permission;
        try {
            permission = Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            return BROKER_PERMISSION + " must be an integer of permission bits (2 write, 4 read, 6 both), was [" + value
                    + "]";
        }
        if ((permission & ~VALID_PERMISSION_BITS) != 0 || permission < 0) {
            return BROKER_PERMISSION + " must combine only the bits 4 (read), 2 (write) and 1 (inherit), was [" + value
                    + "]";
        }
        return null;
    }
}
