package io.rocketkube.broker.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Put and get counters, the put latency histogram (Prometheus via Micrometer, and RocketMQ's minute of
 * thirteen buckets for the runtime info), the longest put and store read, the moving rates that
 * GET_BROKER_RUNTIME_INFO reports (10 s, 1 min, 10 min windows, from samples taken every 10 s), and the
 * totals as they were at the last two local midnights (the reference's msgPutTotalTodayMorning and
 * ...YesterdayMorning). Midnight is that of the clock's zone; it is noticed at the first sample or read after
 * it, so a reading never shows a stale day.
 *
 * <p>Thread-safe: counters are adders; samples and the midnight roll happen under this object's lock.
 */
public final class BrokerStats {
    private static final int MAX_SAMPLES = 61;
    private static final int PUT = 1;
    private static final int GET = 2;
    private static final int MISS = 3;
    private static final int GET_OR_MISS = 4;

    private final Clock clock;
    private final LongSupplier pullMisses;
    private final LongAdder putMessages = new LongAdder();
    private final LongAdder getMessages = new LongAdder();
    private final LongAdder putFailures = new LongAdder();
    private final Counter putMessagesCounter;
    private final Counter putBytesCounter;
    private final Counter getMessagesCounter;
    private final Counter getBytesCounter;
    private final Timer putLatency;
    private final PutTimeDistribution putTimes;
    private final LongAccumulator longestGetMillis = new LongAccumulator(Math::max, 0);
    private final Deque<long[]> samples = new ArrayDeque<>();
    private final KeyedStats keyed = new KeyedStats();
    private LocalDate today;
    private long putTodayMorning;
    private long putYesterdayMorning;
    private long getTodayMorning;
    private long getYesterdayMorning;

    /**
     * @param pullMisses store lookups that found nothing since the store opened (the store counts them; a
     *                   held pull that wakes up and looks again counts again, as in the reference)
     */
    public BrokerStats(MeterRegistry registry, Clock clock, LongSupplier pullMisses) {
        this.clock = clock;
        this.pullMisses = pullMisses;
        this.today = LocalDate.ofInstant(clock.instant(), clock.getZone());
        this.putMessagesCounter = Counter.builder("rocketkube.broker.put.messages")
                .description("messages stored")
                .register(registry);
        this.putBytesCounter = Counter.builder("rocketkube.broker.put.bytes")
                .baseUnit("bytes")
                .description("message body bytes stored")
                .register(registry);
        this.getMessagesCounter = Counter.builder("rocketkube.broker.get.messages")
                .description("messages pulled")
                .register(registry);
        this.getBytesCounter = Counter.builder("rocketkube.broker.get.bytes")
                .baseUnit("bytes")
                .description("record bytes pulled")
                .register(registry);
        this.putLatency = Timer.builder("rocketkube.broker.put.latency")
                .description("send request to store answer")
                .publishPercentileHistogram()
                .register(registry);
        this.putTimes = new PutTimeDistribution(clock.millis());
        sample();
    }

    /** A send stored: {@code messages} of {@code topic} (the producer's), their body bytes, and how long it took. */
    public void recordPut(String topic, int messages, long bodyBytes, long elapsedNanos) {
        long now = clock.millis();
        keyed.add(KeyedStats.TOPIC_PUT_NUMS, topic, messages, now);
        keyed.add(KeyedStats.TOPIC_PUT_SIZE, topic, bodyBytes, now);
        putMessages.add(messages);
        putMessagesCounter.increment(messages);
        putBytesCounter.increment(bodyBytes);
        putLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
        putTimes.record(TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
    }

    /** A send the store did not take (refused, full, not writable, failed). */
    public void recordPutFailure() {
        putFailures.increment();
    }

    /** The runtime key {@code putMessageFailedTimes}: sends the store did not take since start. */
    public long putFailures() {
        return putFailures.sum();
    }

    /** The runtime keys {@code putLatency99} and {@code putLatency999}: of the last complete minute, in ms. */
    public double putLatencyPercentile(double fraction) {
        return putTimes.percentile(fraction);
    }

    /** A pull's read of the store took this long (whether or not it found messages). */
    public void recordGetTime(long elapsedNanos) {
        longestGetMillis.accumulate(TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
    }

    /** The runtime key {@code putMessageDistributeTime}: sends of the last complete minute by how long they took. */
    public String putTimeDistribution() {
        return putTimes.describe();
    }

    /** The runtime key {@code putMessageEntireTimeMax}: the longest send since start, in milliseconds. */
    public long longestPutMillis() {
        return putTimes.maxMillis();
    }

    /** The runtime key {@code getMessageEntireTimeMax}: the longest store read of a pull since start, in ms. */
    public long longestGetMillis() {
        return longestGetMillis.get();
    }

    /** A pull answered with {@code messages} of {@code topic} to {@code group}, {@code bytes} in all. */
    public void recordGet(String topic, String group, int messages, long bytes) {
        long now = clock.millis();
        String key = topic + "@" + group;
        keyed.add(KeyedStats.GROUP_GET_NUMS, key, messages, now);
        keyed.add(KeyedStats.GROUP_GET_SIZE, key, bytes, now);
        getMessages.add(messages);
        getMessagesCounter.increment(messages);
        getBytesCounter.increment(bytes);
    }

    public long putTotal() {
        return putMessages.sum();
    }

    public long getTotal() {
        return getMessages.sum();
    }

    /**
     * One key's counts over the last minute, hour and day (VIEW_BROKER_STATS_DATA), by the reference's statistic
     * names: {@code TOPIC_PUT_NUMS} and {@code TOPIC_PUT_SIZE} by topic, {@code GROUP_GET_NUMS} and
     * {@code GROUP_GET_SIZE} by {@code topic@group}.
     */
    public Optional<KeyedStats.Snapshot> view(String stats, String key) {
        return keyed.view(stats, key, clock.millis());
    }

    /** Takes a rate sample; the broker calls this every 10 s. */
    public synchronized void sample() {
        keyed.sample(clock.millis());
        putTimes.rollIfDue(clock.millis());
        long[] now = now();
        rollMidnight(now);
        samples.addLast(now);
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** "tps10s tps1m tps10m" of puts, as the runtime info carries it. */
    public synchronized String putTps() {
        return rates(PUT);
    }

    /** Of messages pulled. */
    public synchronized String getTps() {
        return rates(GET);
    }

    /** Of pull lookups that found nothing. */
    public synchronized String getMissTps() {
        return rates(MISS);
    }

    /** Of messages pulled plus lookups that found nothing. */
    public synchronized String getTotalTps() {
        return rates(GET_OR_MISS);
    }

    public synchronized long putTotalTodayMorning() {
        rollMidnight(now());
        return putTodayMorning;
    }

    public synchronized long putTotalYesterdayMorning() {
        rollMidnight(now());
        return putYesterdayMorning;
    }

    public synchronized long getTotalTodayMorning() {
        rollMidnight(now());
        return getTodayMorning;
    }

    public synchronized long getTotalYesterdayMorning() {
        rollMidnight(now());
        return getYesterdayMorning;
    }

    /**
     * After a midnight, today's morning becomes yesterday's and the running totals become today's. The
     * totals were not read at the midnight itself but at the first sample after it (at most 10 s late),
     * which is what "morning" means here. When more than one midnight passed unseen, yesterday's morning is
     * unknown beyond "no later than today's": both take the current totals.
     */
    private void rollMidnight(long[] now) {
        LocalDate date = LocalDate.ofInstant(Instant.ofEpochMilli(now[0]), clock.getZone());
        if (!date.isAfter(today)) {
            return;
        }
        boolean oneDay = date.equals(today.plusDays(1));
        putYesterdayMorning = oneDay ? putTodayMorning : now[PUT];
        getYesterdayMorning = oneDay ? getTodayMorning : now[GET];
        putTodayMorning = now[PUT];
        getTodayMorning = now[GET];
        today = date;
    }

    private long[] now() {
        long gets = getMessages.sum();
        long misses = pullMisses.getAsLong();
        return new long[] {clock.millis(), putMessages.sum(), gets, misses, gets + misses};
    }

    private String rates(int column) {
        long[] now = now();
        return rate(now, column, 10_000) + " " + rate(now, column, 60_000) + " " + rate(now, column, 600_000);
    }

    private double rate(long[] now, int column, long windowMillis) {
        long[] base = samples.peekFirst();
        for (long[] s : samples) {
            if (now[0] - s[0] <= windowMillis) {
                base = s;
                break;
            }
        }
        if (base == null || now[0] <= base[0]) {
            return 0.0;
        }
        return (now[column] - base[column]) * 1000.0 / (now[0] - base[0]);
    }
}
