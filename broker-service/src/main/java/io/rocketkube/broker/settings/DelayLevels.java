package io.rocketkube.broker.settings;

import java.util.Arrays;
import java.util.Locale;

/**
 * The delay levels of RocketMQ's {@code messageDelayLevel}: a space-separated list of durations, each a
 * number and one unit ({@code s}, {@code m}, {@code h}, {@code d}), level 1 being the first. A message
 * asking for a level above the last one gets the last one (as the reference clamps); level 0 or below is
 * no delay at all. A string the reference would not start with is refused here, at start, naming the
 * offending entry, instead of leaving a level that never fires.
 */
public final class DelayLevels {
    private final long[] millis;
    private final String text;

    private DelayLevels(long[] millis, String text) {
        this.millis = millis;
        this.text = text;
    }

    /**
     * Parses {@code levels}.
     *
     * @throws IllegalArgumentException if it is blank or an entry is not a positive number with a known unit
     */
    public static DelayLevels parse(String levels) {
        if (levels == null || levels.isBlank()) {
            throw new IllegalArgumentException("message-delay-level is empty; expected e.g. \"1s 5s 10s 30s\"");
        }
        String[] entries = levels.trim().split("\\s+");
        long[] millis = new long[entries.length];
        for (int i = 0; i < entries.length; i++) {
            millis[i] = entryMillis(entries[i]);
        }
        return new DelayLevels(millis, String.join(" ", entries));
    }

    private static long entryMillis(String entry) {
        String lower = entry.toLowerCase(Locale.ROOT);
        char unit = lower.charAt(lower.length() - 1);
        long unitMillis = switch (unit) {
            case 's' -> 1_000L;
            case 'm' -> 60_000L;
            case 'h' -> 3_600_000L;
            case 'd' -> 86_400_000L;
            default ->
                throw new IllegalArgumentException(
                        "message-delay-level entry \"" + entry + "\" has no unit (s, m, h or d)");
        };
        long amount;
        try {
            amount = Long.parseLong(lower.substring(0, lower.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "message-delay-level entry \"" + entry + "\" is not a number and a unit");
        }
        if (amount <= 0 || amount > Long.MAX_VALUE / unitMillis) {
            throw new IllegalArgumentException("message-delay-level entry \"" + entry + "\" must be positive");
        }
        return amount * unitMillis;
    }

    /** The number of levels; the highest level. */
    public int maxLevel() {
        return millis.length;
    }

    /** {@code level} clamped to the highest level; callers pass levels above 0 only. */
    public int clamp(int level) {
        return Math.min(level, millis.length);
    }

    /** The delay of {@code level} (1..{@link #maxLevel()}). */
    public long delayMillis(int level) {
        return millis[level - 1];
    }

    /** The schedule-topic queue of a level: level − 1. */
    public static int queueId(int level) {
        return level - 1;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DelayLevels other && Arrays.equals(millis, other.millis);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(millis);
    }
}
