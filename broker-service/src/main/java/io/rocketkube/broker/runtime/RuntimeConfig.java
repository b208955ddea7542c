package io.rocketkube.broker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.store.RetentionPolicy;
import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker settings that mqadmin {@code updateBrokerConfig} may change while the broker runs, under RocketMQ's
 * key names, and their persisted overrides. Each takes effect at once and is read where it is used through
 * this object; everything else is static configuration (the immutable {@code BrokerSettings}) and is refused:
 * a key we do not apply must not look accepted.
 *
 * <ul>
 *   <li>{@value #BROKER_PERMISSION}: permission bits of the whole broker (4 read, 2 write, 6 both);</li>
 *   <li>{@value #AUTO_CREATE_TOPIC}, {@value #AUTO_CREATE_GROUP}: {@code true} or {@code false};</li>
 *   <li>{@value #SLAVE_READ}: whether pull answers send slow consumers to a slave;</li>
 *   <li>{@value #MAX_MESSAGE_SIZE}: bytes of a message body, up to the limit the broker started with (the
 *       store sized its buffers for that one; a larger limit needs a restart);</li>
 *   <li>{@value #FILE_RESERVED_TIME} (hours), {@value #DELETE_WHEN} (hours of the day, {@code 04} or
 *       {@code 04;16}), {@value #DISK_MAX_USED_SPACE_RATIO} (10..95 %): CommitLog retention.</li>
 * </ul>
 *
 * <p>On disk, two {@link ChecksummedFile}s, both holding the overridden keys only. {@code
 * config/runtimeConfig.rkc} holds {@value #BROKER_PERMISSION} alone as {@code {"brokerPermission":"4"}}: the
 * format of the broker versions that knew no other key, so that a broker rolled back to one of them still
 * starts, and still comes up read-only when it was drained (it ignores the other file). {@code
 * config/runtimeOverrides.rkc} holds every other key with the value mqadmin set and the static value it
 * replaced, e.g. {@code {"fileReservedTime":{"value":"48","configured":"72"}}}. At start an override wins over
 * the static configuration unless that configuration has changed since the override was made: then the
 * configuration is the newer intent (an edited RocketCluster, a new environment) and the override is dropped,
 * with a log line. A stored override this broker cannot apply (a limit lowered since) is dropped the same way.
 * Values are kept in one canonical text ({@code false}, {@code 04;16}), so that a repeat is no change.
 *
 * <p>An update is all-or-nothing: every key and value is validated, then the whole new override table is
 * written, and only then does memory change. Thread-safe: updates are serialized; readers see one volatile
 * snapshot.
 */
public final class RuntimeConfig {
    public static final String BROKER_PERMISSION = "brokerPermission";
    public static final String AUTO_CREATE_TOPIC = "autoCreateTopicEnable";
    public static final String AUTO_CREATE_GROUP = "autoCreateSubscriptionGroup";
    public static final String SLAVE_READ = "slaveReadEnable";
    public static final String MAX_MESSAGE_SIZE = "maxMessageSize";
    public static final String FILE_RESERVED_TIME = "fileReservedTime";
    public static final String DELETE_WHEN = "deleteWhen";
    public static final String DISK_MAX_USED_SPACE_RATIO = "diskMaxUsedSpaceRatio";

    /** Every key that may change at runtime, in the order GET_BROKER_CONFIG lists them. */
    public static final List<String> KEYS = List.of(
            BROKER_PERMISSION,
            AUTO_CREATE_TOPIC,
            AUTO_CREATE_GROUP,
            SLAVE_READ,
            MAX_MESSAGE_SIZE,
            FILE_RESERVED_TIME,
            DELETE_WHEN,
            DISK_MAX_USED_SPACE_RATIO);

    /** The keys whose change the store's retention follows. */
    public static final Set<String> RETENTION_KEYS = Set.of(FILE_RESERVED_TIME, DELETE_WHEN, DISK_MAX_USED_SPACE_RATIO);

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeConfig.class);
    private static final int VALID_PERMISSION_BITS = PermName.PERM_READ | PermName.PERM_WRITE | PermName.PERM_INHERIT;
    private static final String VALUE = "value";
    private static final String CONFIGURED = "configured";

    /**
     * The static configuration's value of every runtime key: what an override replaces.
     *
     * @param maxMessageSize also the largest value an update may set
     */
    public record Defaults(
            int brokerPermission,
            boolean autoCreateTopic,
            boolean autoCreateGroup,
            boolean slaveRead,
            int maxMessageSize,
            int fileReservedHours,
            int deleteWhenHour,
            int diskMaxUsedSpaceRatio) {

        Map<String, String> asText() {
            Map<String, String> text = new LinkedHashMap<>();
            text.put(BROKER_PERMISSION, String.valueOf(brokerPermission));
            text.put(AUTO_CREATE_TOPIC, String.valueOf(autoCreateTopic));
            text.put(AUTO_CREATE_GROUP, String.valueOf(autoCreateGroup));
            text.put(SLAVE_READ, String.valueOf(slaveRead));
            text.put(MAX_MESSAGE_SIZE, String.valueOf(maxMessageSize));
            text.put(FILE_RESERVED_TIME, String.valueOf(fileReservedHours));
            text.put(DELETE_WHEN, hoursText(Set.of(deleteWhenHour)));
            text.put(DISK_MAX_USED_SPACE_RATIO, String.valueOf(diskMaxUsedSpaceRatio));
            return text;
        }
    }

    /** The effective values, parsed once per change. */
    private record Values(
            int brokerPermission,
            boolean autoCreateTopic,
            boolean autoCreateGroup,
            boolean slaveRead,
            int maxMessageSize,
            RetentionPolicy retention) {}

    /** One override: the value set at runtime and the static value it replaced then. */
    private record Override(String value, String configured) {}

    /** {@value #BROKER_PERMISSION} alone, flat: what every version of the broker reads (class comment). */
    private final ChecksummedFile permissionFile;
    /** Every other override, with the configured value it replaced. */
    private final ChecksummedFile overridesFile;

    private final Defaults defaults;
    private final Map<String, String> defaultText;
    private volatile Map<String, Override> overrides;
    private volatile Map<String, String> current;
    private volatile Values values;

    private RuntimeConfig(
            ChecksummedFile permissionFile,
            ChecksummedFile overridesFile,
            Defaults defaults,
            Map<String, Override> overrides) {
        this.permissionFile = permissionFile;
        this.overridesFile = overridesFile;
        this.defaults = defaults;
        this.defaultText = Collections.unmodifiableMap(defaults.asText());
        apply(overrides);
    }

    /**
     * Loads the persisted overrides, dropping (with a log line, and from the files, so that they cannot come
     * back) those the static configuration has moved on from and those that no longer validate.
     *
     * @throws IOException if a file cannot be read or is not this format
     */
    public static RuntimeConfig load(ChecksummedFile permissionFile, ChecksummedFile overridesFile, Defaults defaults)
            throws IOException {
        Map<String, String> defaultText = defaults.asText();
        Map<String, Override> stored = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : readObject(permissionFile).entrySet()) {
            stored.put(e.getKey(), parseStored(permissionFile, e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, JsonNode> e : readObject(overridesFile).entrySet()) {
            stored.put(e.getKey(), parseStored(overridesFile, e.getKey(), e.getValue()));
        }
        Map<String, Override> kept = new TreeMap<>();
        stored.forEach((key, override) -> {
            String problem = validate(key, override.value(), defaults);
            if (problem != null) {
                LOG.warn("runtime broker config {}={} dropped: {}", key, override.value(), problem);
            } else if (override.configured() != null && !override.configured().equals(defaultText.get(key))) {
                LOG.info(
                        "runtime broker config {}={} dropped: the configuration changed it from {} to {} since",
                        key,
                        override.value(),
                        override.configured(),
                        defaultText.get(key));
            } else {
                kept.put(key, new Override(canonical(key, override.value()), override.configured()));
            }
        });
        RuntimeConfig config = new RuntimeConfig(permissionFile, overridesFile, defaults, kept);
        if (!kept.keySet().equals(stored.keySet())) {
            try {
                config.write(kept);
            } catch (IOException e) {
                LOG.warn("cannot remove the dropped runtime broker config from {}", overridesFile.path(), e);
            }
        }
        return config;
    }

    private static Map<String, JsonNode> readObject(ChecksummedFile file) throws IOException {
        Map<String, JsonNode> fields = new TreeMap<>();
        Optional<byte[]> stored = file.read();
        if (stored.isPresent()) {
            JsonNode root = RemotingJson.mapper().readTree(stored.get());
            if (root == null || !root.isObject()) {
                throw new IOException(file.path() + ": not a JSON object");
            }
            root.fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue()));
        }
        return fields;
    }

    private static Override parseStored(ChecksummedFile file, String key, JsonNode node) throws IOException {
        if (node.isTextual()) {
            return new Override(node.asText(), null);
        }
        if (node.isObject() && node.path(VALUE).isTextual()) {
            JsonNode configured = node.path(CONFIGURED);
            return new Override(node.get(VALUE).asText(), configured.isTextual() ? configured.asText() : null);
        }
        throw new IOException(file.path() + ": override of " + key + " is neither a value nor {value, configured}");
    }

    /** RocketMQ permission bits of the whole broker: 4 read, 2 write (6 both). */
    public int brokerPermission() {
        return values.brokerPermission();
    }

    public boolean autoCreateTopic() {
        return values.autoCreateTopic();
    }

    public boolean autoCreateSubscriptionGroup() {
        return values.autoCreateGroup();
    }

    public boolean slaveReadEnable() {
        return values.slaveRead();
    }

    /** The largest message body a send may carry now, in bytes. */
    public int maxMessageSize() {
        return values.maxMessageSize();
    }

    public RetentionPolicy retentionPolicy() {
        return values.retention();
    }

    /** Every runtime key with its effective value, for GET_BROKER_CONFIG. */
    public Map<String, String> current() {
        return current;
    }

    /**
     * Validates every change, persists the merged overrides, then applies them; on any refusal or I/O
     * failure nothing changes.
     *
     * @return the keys whose effective value changed
     * @throws IllegalArgumentException naming the first key that cannot be changed at runtime or its bad value
     */
    public synchronized Set<String> update(Map<String, String> changes) throws IOException {
        for (Map.Entry<String, String> e : new TreeMap<>(changes).entrySet()) {
            String problem = validate(e.getKey(), e.getValue(), defaults);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
        Map<String, String> before = current;
        Map<String, Override> merged = new TreeMap<>(overrides);
        changes.forEach((k, v) -> merged.put(k, new Override(canonical(k, v), defaultText.get(k))));
        write(merged);
        apply(merged);
        Set<String> changed = new TreeSet<>();
        current.forEach((k, v) -> {
            if (!v.equals(before.get(k))) {
                changed.add(k);
            }
        });
        return changed;
    }

    /** Puts back exactly the state {@link #snapshot()} returned, on disk and in memory. */
    public synchronized void restore(Snapshot previous) throws IOException {
        write(previous.overrides());
        apply(previous.overrides());
    }

    /** The persisted overrides as they are now, for {@link #restore}. */
    public Snapshot snapshot() {
        return new Snapshot(overrides);
    }

    /** An opaque copy of the overrides. */
    public static final class Snapshot {
        private final Map<String, Override> overrides;

        private Snapshot(Map<String, Override> overrides) {
            this.overrides = overrides;
        }

        private Map<String, Override> overrides() {
            return overrides;
        }
    }

    /**
     * Writes the overrides file, then the permission file; if the second write fails the first is put back, so
     * that a restart does not find half of an update.
     */
    private void write(Map<String, Override> table) throws IOException {
        overridesFile.write(encodeOthers(table));
        try {
            permissionFile.write(encodePermission(table));
        } catch (IOException e) {
            try {
                overridesFile.write(encodeOthers(overrides));
            } catch (IOException undo) {
                e.addSuppressed(undo);
            }
            throw e;
        }
    }

    private static byte[] encodePermission(Map<String, Override> table) throws IOException {
        Map<String, String> flat = new TreeMap<>();
        Override permission = table.get(BROKER_PERMISSION);
        if (permission != null) {
            flat.put(BROKER_PERMISSION, permission.value());
        }
        return RemotingJson.mapper().writeValueAsBytes(flat);
    }

    private static byte[] encodeOthers(Map<String, Override> table) throws IOException {
        ObjectNode root = RemotingJson.mapper().createObjectNode();
        table.forEach((k, o) -> {
            if (!BROKER_PERMISSION.equals(k)) {
                ObjectNode entry = root.putObject(k);
                entry.put(VALUE, o.value());
                if (o.configured() != null) {
                    entry.put(CONFIGURED, o.configured());
                }
            }
        });
        return RemotingJson.mapper().writeValueAsBytes(root);
    }

    private void apply(Map<String, Override> table) {
        Map<String, String> text = new LinkedHashMap<>(defaultText);
        table.forEach((k, o) -> text.put(k, o.value().trim()));
        values = new Values(
                Integer.parseInt(text.get(BROKER_PERMISSION)),
                Boolean.parseBoolean(text.get(AUTO_CREATE_TOPIC)),
                Boolean.parseBoolean(text.get(AUTO_CREATE_GROUP)),
                Boolean.parseBoolean(text.get(SLAVE_READ)),
                Integer.parseInt(text.get(MAX_MESSAGE_SIZE)),
                new RetentionPolicy(
                        Integer.parseInt(text.get(FILE_RESERVED_TIME)),
                        hours(text.get(DELETE_WHEN)),
                        Integer.parseInt(text.get(DISK_MAX_USED_SPACE_RATIO))));
        overrides = Map.copyOf(table);
        current = Collections.unmodifiableMap(text);
    }

    /** The one text of a valid value: "FALSE" and "false", "4" and "04" are the same setting. */
    private static String canonical(String key, String value) {
        String v = value.trim();
        return switch (key) {
            case AUTO_CREATE_TOPIC, AUTO_CREATE_GROUP, SLAVE_READ -> String.valueOf(Boolean.parseBoolean(v));
            case DELETE_WHEN -> hoursText(hours(v));
            default -> String.valueOf(Integer.parseInt(v));
        };
    }

    private static String hoursText(Set<Integer> hours) {
        StringJoiner text = new StringJoiner(";");
        hours.forEach(h -> text.add(String.format(Locale.ROOT, "%02d", h)));
        return text.toString();
    }

    /** Null when {@code key=value} may be applied at runtime, else why not. */
    private static String validate(String key, String value, Defaults defaults) {
        String v = value == null ? "" : value.trim();
        return switch (key) {
            case BROKER_PERMISSION -> permissionProblem(v);
            case AUTO_CREATE_TOPIC, AUTO_CREATE_GROUP, SLAVE_READ ->
                v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")
                        ? null
                        : key + " must be true or false, was [" + value + "]";
            case MAX_MESSAGE_SIZE ->
                intProblem(
                        key,
                        v,
                        1,
                        defaults.maxMessageSize(),
                        "; the broker started with a limit of " + defaults.maxMessageSize()
                                + " bytes and a larger one needs a restart with that limit raised");
            case FILE_RESERVED_TIME -> intProblem(key, v, 0, Integer.MAX_VALUE, " (hours)");
            case DISK_MAX_USED_SPACE_RATIO -> intProblem(key, v, 10, 95, " (percent of the disk)");
            case DELETE_WHEN -> {
                try {
                    hours(v);
                    yield null;
                } catch (IllegalArgumentException e) {
                    yield DELETE_WHEN + " must be hours of the day 00..23 separated by ';', as 04 or 04;16, was ["
                            + value + "]";
                }
            }
            default ->
                "broker config key [" + key + "] is unknown or cannot be changed while the broker runs;"
                        + " runtime keys: " + KEYS;
        };
    }

    private static String permissionProblem(String v) {
        int permission;
        try {
            permission = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return BROKER_PERMISSION + " must be an integer of permission bits (2 write, 4 read, 6 both), was [" + v
                    + "]";
        }
        if ((permission & ~VALID_PERMISSION_BITS) != 0 || permission < 0) {
            return BROKER_PERMISSION + " must combine only the bits 4 (read), 2 (write) and 1 (inherit), was [" + v
                    + "]";
        }
        return null;
    }

    private static String intProblem(String key, String v, int min, int max, String unit) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return null;
            }
        } catch (NumberFormatException e) {
            // refused below, as an out-of-range value is
        }
        return key + " must be an integer " + min + ".." + max + unit + ", was [" + v + "]";
    }

    private static Set<Integer> hours(String text) {
        Set<Integer> hours = new TreeSet<>();
        for (String part : text.split(";", -1)) {
            String h = part.trim();
            if (!h.matches("\\d{1,2}") || Integer.parseInt(h) > 23) {
                throw new IllegalArgumentException(text);
            }
            hours.add(Integer.parseInt(h));
        }
        return hours;
    }
}
