package io.rocketkube.broker.stats;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts per statistic and key (a topic's puts, a group's gets from a topic), over the last minute, hour and day,
 * as VIEW_BROKER_STATS_DATA answers them (mqadmin statsAll reads the topics' and groups' rates and 24-hour totals
 * from it). The names and keys are the reference's ({@code BrokerStatsManager}).
 *
 * <p>Each key keeps samples of its running totals: every 10 s for the minute (6 kept), every 10 min for the hour
 * (6), every hour for the day (24). A window's figure runs from its oldest sample to the totals now, so a count is
 * right from the first read rather than after a window's first two samples; a key starts with a zero sample.
 * A key whose total has not moved for a whole day is dropped, so deleted topics and gone groups do not pile up.
 *
 * <p>Thread-safe: the counters are adders; a key's samples are guarded by the key.
 */
public final class KeyedStats {
    public static final String TOPIC_PUT_NUMS = "TOPIC_PUT_NUMS";
    public static final String TOPIC_PUT_SIZE = "TOPIC_PUT_SIZE";
    public static final String GROUP_GET_NUMS = "GROUP_GET_NUMS";
    public static final String GROUP_GET_SIZE = "GROUP_GET_SIZE";

    private static final long HOUR_STEP_MILLIS = 10 * 60_000L;
    private static final long DAY_STEP_MILLIS = 3_600_000L;
    private static final int MINUTE_SAMPLES = 6;
    private static final int HOUR_SAMPLES = 6;
    private static final int DAY_SAMPLES = 24;

    /** Sum, per second and per call over one window. */
    public record Window(long sum, double tps, double avgpt) {}

    /** The three windows of one key. */
    public record Snapshot(Window minute, Window hour, Window day) {}

    private record Sample(long millis, long value, long times) {}

    private final Map<String, Map<String, Item>> tables = new ConcurrentHashMap<>();
    /** Far enough back that the first sample is due for every window, and no subtraction overflows. */
    private long lastHourSample = Long.MIN_VALUE / 2;

    private long lastDaySample = Long.MIN_VALUE / 2;

    /** Adds {@code value} (messages or bytes) counted in one call. */
    public void add(String stats, String key, long value, long nowMillis) {
        tables.computeIfAbsent(stats, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> new Item(nowMillis))
                .add(value);
    }

    /** The key's windows, if it has been counted (and not dropped as idle). */
    public Optional<Snapshot> view(String stats, String key, long nowMillis) {
        Map<String, Item> table = tables.get(stats);
        Item item = table == null ? null : table.get(key);
        return item == null ? Optional.empty() : Optional.of(item.snapshot(nowMillis));
    }

    /** Takes the samples that are due; the broker calls this every 10 s. */
    public synchronized void sample(long nowMillis) {
        boolean hour = nowMillis - lastHourSample >= HOUR_STEP_MILLIS;
        boolean day = nowMillis - lastDaySample >= DAY_STEP_MILLIS;
        if (hour) {
            lastHourSample = nowMillis;
        }
        if (day) {
            lastDaySample = nowMillis;
        }
        for (Map<String, Item> table : tables.values()) {
            table.entrySet().removeIf(e -> e.getValue().sample(nowMillis, hour, day));
        }
    }

    private static final class Item {
        private final LongAdder value = new LongAdder();
        private final LongAdder times = new LongAdder();
        private final ArrayDeque<Sample> minute = new ArrayDeque<>();
        private final ArrayDeque<Sample> hour = new ArrayDeque<>();
        private final ArrayDeque<Sample> day = new ArrayDeque<>();

        Item(long nowMillis) {
            Sample zero = new Sample(nowMillis, 0, 0);
            minute.add(zero);
            hour.add(zero);
            day.add(zero);
        }

        void add(long amount) {
            value.add(amount);
            times.increment();
        }

        /** @return true if the key has been idle for a whole day and should go */
        synchronized boolean sample(long nowMillis, boolean hourDue, boolean dayDue) {
            Sample now = new Sample(nowMillis, value.sum(), times.sum());
            push(minute, now, MINUTE_SAMPLES);
            if (hourDue) {
                push(hour, now, HOUR_SAMPLES);
            }
            if (dayDue) {
                push(day, now, DAY_SAMPLES);
                return day.size() == DAY_SAMPLES && day.getFirst().value() == now.value();
            }
            return false;
        }

        synchronized Snapshot snapshot(long nowMillis) {
            Sample now = new Sample(nowMillis, value.sum(), times.sum());
            return new Snapshot(window(minute, now), window(hour, now), window(day, now));
        }

        private static void push(ArrayDeque<Sample> samples, Sample s, int max) {
            samples.addLast(s);
            while (samples.size() > max) {
                samples.removeFirst();
            }
        }

        private static Window window(ArrayDeque<Sample> samples, Sample now) {
            Sample first = samples.getFirst();
            long sum = now.value() - first.value();
            long calls = now.times() - first.times();
            long millis = now.millis() - first.millis();
            return new Window(sum, millis > 0 ? sum * 1000.0 / millis : 0, calls > 0 ? (double) sum / calls : 0);
        }
    }
}
