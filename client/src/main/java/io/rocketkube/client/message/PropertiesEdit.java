package io.rocketkube.client.message;

/**
 * Changes a few properties of an encoded properties string (docs/protocol.md §4.3) without decoding it into
 * a map and encoding the map again: the schedule and timer paths move every delayed message twice and each
 * time touch two to four keys of a dozen, so copying the untouched segments as they are is what they need.
 *
 * <p>The result reads the same as {@link PropertiesCodec#decode} → put/remove → {@link PropertiesCodec#encode}
 * would give, key by key: a removed or set key loses every segment it had (duplicates included), a set key
 * is appended once at the end with its new value. Untouched segments keep their text and order; a malformed
 * segment, which every parser skips, is kept too (the map round trip dropped it), and an empty segment
 * (a 5.x writer's trailing separator) is dropped. Stateless; thread-safe.
 */
public final class PropertiesEdit {
    private static final String[] NO_KEYS = {};

    private PropertiesEdit() {}

    /** {@code properties} with {@code set} (key, value, key, value, …) put over it. */
    public static String set(String properties, String... set) {
        return edit(properties, NO_KEYS, set);
    }

    /**
     * {@code properties} without the keys of {@code remove}, and with {@code set} (key, value, key, value, …)
     * put over it.
     *
     * @throws IllegalArgumentException if a set key or value is empty/null or contains a separator, as
     *     {@link PropertiesCodec#encode}
     */
    public static String edit(String properties, String[] remove, String... set) {
        if (set.length % 2 != 0) {
            throw new IllegalArgumentException("set takes key, value pairs");
        }
        for (int i = 0; i < set.length; i += 2) {
            check(set[i], set[i + 1]);
        }
        String source = properties == null ? "" : properties;
        StringBuilder sb = new StringBuilder(source.length() + 64);
        int start = 0;
        int len = source.length();
        while (start < len) {
            int end = source.indexOf(PropertiesCodec.PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            if (end > start && !named(source, start, end, remove) && !namedEven(source, start, end, set)) {
                if (sb.length() > 0) {
                    sb.append(PropertiesCodec.PROPERTY_SEPARATOR);
                }
                sb.append(source, start, end);
            }
            start = end + 1;
        }
        for (int i = 0; i < set.length; i += 2) {
            if (sb.length() > 0) {
                sb.append(PropertiesCodec.PROPERTY_SEPARATOR);
            }
            sb.append(set[i]).append(PropertiesCodec.NAME_VALUE_SEPARATOR).append(set[i + 1]);
        }
        return sb.toString();
    }

    private static boolean named(String s, int start, int end, String[] keys) {
        for (String key : keys) {
            if (isKey(s, start, end, key)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #named} over the keys at even indexes of {@code keyValues}. */
    private static boolean namedEven(String s, int start, int end, String[] keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            if (isKey(s, start, end, keyValues[i])) {
                return true;
            }
        }
        return false;
    }

    /** Whether the segment {@code s[start, end)} is {@code key} followed by the name/value separator. */
    private static boolean isKey(String s, int start, int end, String key) {
        int sep = start + key.length();
        return sep < end && s.charAt(sep) == PropertiesCodec.NAME_VALUE_SEPARATOR && s.startsWith(key, start);
    }

    private static void check(String key, String value) {
        if (key == null || key.isEmpty() || value == null) {
            throw new IllegalArgumentException("property key must be non-empty and value non-null: " + key);
        }
        for (String text : new String[] {key, value}) {
            if (text.indexOf(PropertiesCodec.NAME_VALUE_SEPARATOR) >= 0
                    || text.indexOf(PropertiesCodec.PROPERTY_SEPARATOR) >= 0) {
                throw new IllegalArgumentException("property text must not contain \\u0001 or \\u0002: " + text);
            }
        }
    }
}
