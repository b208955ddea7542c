package io.rocketkube.operator.model;

import io.quarkus.runtime.configuration.DurationConverter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The type of each {@code spec.broker.config} key's value, as the broker's configuration mapping declares it,
 * so that a value the broker could not read (a duration of {@code four}, an integer of {@code 2k}) is refused
 * in the spec instead of crash-looping the first broker the roll restarts. Only the form is checked; ranges
 * are the broker's to judge. The operator's contract test keeps this table equal to the broker's mapping.
 */
public final class BrokerValueKinds {

    /** How a value is read. */
    public enum Kind {
        DURATION,
        BOOLEAN,
        INT,
        LONG,
        TEXT
    }

    /** The configuration's booleans: its own words for true, and the plain words for false. */
    private static final Set<String> BOOLEAN_WORDS =
            Set.of("true", "1", "yes", "y", "on", "ja", "oui", "si", "da", "false", "0", "no", "n", "off");

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("send-on-io-thread", Kind.BOOLEAN),
            Map.entry("register-interval", Kind.DURATION),
            Map.entry("offset-persist-interval", Kind.DURATION),
            Map.entry("client-idle-timeout", Kind.DURATION),
            Map.entry("shutdown-grace", Kind.DURATION),
            Map.entry("io-threads", Kind.INT),
            Map.entry("disk-max-used-space-ratio", Kind.INT),
            Map.entry("disk-space-clean-forcibly-ratio", Kind.INT),
            Map.entry("disk-space-warning-level-ratio", Kind.INT),
            Map.entry("max-transfer-count-on-message-in-memory", Kind.INT),
            Map.entry("max-transfer-bytes-on-message-in-memory", Kind.INT),
            Map.entry("max-transfer-count-on-message-in-disk", Kind.INT),
            Map.entry("max-transfer-bytes-on-message-in-disk", Kind.INT),
            Map.entry("access-message-in-memory-max-ratio", Kind.INT),
            Map.entry("physical-memory-bytes", Kind.LONG),
            Map.entry("max-queued-request-bytes", Kind.LONG),
            Map.entry("max-queued-request-bytes-per-connection", Kind.LONG),
            Map.entry("max-held-pulls", Kind.INT),
            Map.entry("max-held-pulls-per-connection", Kind.INT),
            Map.entry("master-address", Kind.TEXT),
            Map.entry("slave-read-enable", Kind.BOOLEAN),
            Map.entry("slave-sync-interval", Kind.DURATION),
            Map.entry("message-delay-level", Kind.TEXT),
            Map.entry("enable-property-filter", Kind.BOOLEAN),
            Map.entry("transaction-timeout", Kind.DURATION),
            Map.entry("transaction-check-interval", Kind.DURATION),
            Map.entry("transaction-check-max", Kind.INT),
            Map.entry("master-ha-address", Kind.TEXT),
            Map.entry("slave-timeout", Kind.DURATION),
            Map.entry("ha-max-gap-not-in-sync", Kind.LONG),
            Map.entry("ha-housekeeping-interval", Kind.DURATION),
            Map.entry("ha-heartbeat-interval", Kind.DURATION),
            Map.entry("ha-transfer-batch-size", Kind.INT),
            Map.entry("ha-max-pending-bytes-per-slave", Kind.INT),
            Map.entry("slave-ready-max-lag-bytes", Kind.LONG),
            Map.entry("timer-wheel-enable", Kind.BOOLEAN),
            Map.entry("timer-precision-ms", Kind.LONG),
            Map.entry("timer-max-delay-sec", Kind.LONG),
            Map.entry("recall-message-enable", Kind.BOOLEAN));

    private BrokerValueKinds() {}

    /** The kind of a tunable key (kebab-case); TEXT for a key not in the table. */
    public static Kind of(String key) {
        return KINDS.getOrDefault(key, Kind.TEXT);
    }

    /** Every key of the table, for the contract test. */
    public static Set<String> keys() {
        return KINDS.keySet();
    }

    /** Why the broker could not read {@code value} for {@code key}, or null when it can. */
    public static String problem(String key, String value) {
        String text = value == null ? "" : value.trim();
        return switch (of(key)) {
            case DURATION -> readsAsDuration(text) ? null : "a duration such as 30s, 500ms, 2m or PT30S";
            case BOOLEAN -> BOOLEAN_WORDS.contains(text.toLowerCase(Locale.ROOT)) ? null : "true or false";
            case INT -> readsAs(text, true) ? null : "a whole number (32-bit)";
            case LONG -> readsAs(text, false) ? null : "a whole number";
            case TEXT -> null;
        };
    }

    private static boolean readsAsDuration(String text) {
        try {
            return !text.isEmpty() && DurationConverter.parseDuration(text) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean readsAs(String text, boolean int32) {
        try {
            if (int32) {
                Integer.valueOf(text);
            } else {
                Long.valueOf(text);
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
