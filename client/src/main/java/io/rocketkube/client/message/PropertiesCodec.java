package io.rocketkube.client.message;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The message properties string (docs/protocol.md §4.3):
 * <pre>
 *   key \u0001 value \u0002 key \u0001 value ...
 * </pre>
 * 4.9 writers omit the trailing {@code \u0002}; 5.x and pre-4.9 writers end with one. {@link #decode}
 * accepts both, and, like the reference parser, skips segments that are shorter than three chars or
 * whose first {@code \u0001} is the first or the last char. {@link #encode} writes no trailing
 * separator (4.9 style), which every client version parses.
 *
 * <p>Stateless; thread-safe.
 */
public final class PropertiesCodec {

    public static final char NAME_VALUE_SEPARATOR = '\u0001';
    public static final char PROPERTY_SEPARATOR = '\u0002';

    private PropertiesCodec() {}

    /**
     * Encodes {@code properties} in iteration order.
     *
     * A value may contain {@code \u0001}: readers split a property at its first {@code \u0001}, so the value
     * reads back whole, as RocketMQ's brokers and clients keep it; a key may contain neither separator.
     *
     * @throws IllegalArgumentException if a key contains a separator char or is empty, or a value contains
     *     {@code \u0002}
     */
    public static String encode(Map<String, String> properties) {
        StringBuilder sb = new StringBuilder(properties.size() * 16);
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (key == null || key.isEmpty() || value == null) {
                throw new IllegalArgumentException("property key must be non-empty and value non-null: " + key);
            }
            checkNoSeparator(key);
            if (value.indexOf(PROPERTY_SEPARATOR) >= 0) {
                throw new IllegalArgumentException("property value must not contain \\u0002: " + key);
            }
            if (sb.length() > 0) {
                sb.append(PROPERTY_SEPARATOR);
            }
            sb.append(key).append(NAME_VALUE_SEPARATOR).append(value);
        }
        return sb.toString();
    }

    /**
     * Decodes a properties string into an insertion-ordered map; later duplicates win. A null or empty
     * string gives an empty map.
     */
    public static Map<String, String> decode(String properties) {
        Map<String, String> map = new LinkedHashMap<>();
        if (properties == null || properties.isEmpty()) {
            return map;
        }
        int start = 0;
        int len = properties.length();
        while (start < len) {
            int end = properties.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            decodeSegment(properties, start, end, map);
            start = end + 1;
        }
        return map;
    }

    /**
     * Finds one property without building a map; null when absent. Same tolerance as {@link #decode}.
     */
    public static String find(String properties, String key) {
        if (properties == null || properties.isEmpty()) {
            return null;
        }
        String found = null;
        int start = 0;
        int len = properties.length();
        while (start < len) {
            int end = properties.indexOf(PROPERTY_SEPARATOR, start);
            if (end < 0) {
                end = len;
            }
            int sep = properties.indexOf(NAME_VALUE_SEPARATOR, start);
            if (end - start >= 3
                    && sep > start
                    && sep < end - 1
                    && sep - start == key.length()
                    && properties.startsWith(key, start)) {
                found = properties.substring(sep + 1, end);
            }
            start = end + 1;
        }
        return found;
    }

    /**
     * Joins two encoded strings, inserting a separator only where the first does not already end with
     * one (docs/protocol.md §4.7: inner properties + batch-level properties).
     */
    public static String concat(String first, String second) {
        if (first == null || first.isEmpty()) {
            return second == null ? "" : second;
        }
        if (second == null || second.isEmpty()) {
            return first;
        }
        if (first.charAt(first.length() - 1) == PROPERTY_SEPARATOR) {
            return first + second;
        }
        return first + PROPERTY_SEPARATOR + second;
    }

    private static void decodeSegment(String s, int start, int end, Map<String, String> into) {
        if (end - start < 3) {
            return;
        }
        int sep = s.indexOf(NAME_VALUE_SEPARATOR, start);
        if (sep <= start || sep >= end - 1) {
            return;
        }
        into.put(s.substring(start, sep), s.substring(sep + 1, end));
    }

    private static void checkNoSeparator(String s) {
        if (s.indexOf(NAME_VALUE_SEPARATOR) >= 0 || s.indexOf(PROPERTY_SEPARATOR) >= 0) {
            throw new IllegalArgumentException("property text must not contain \\u0001 or \\u0002: " + s);
        }
    }
}
