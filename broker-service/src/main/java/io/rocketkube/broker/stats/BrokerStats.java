package io.rocketkube.broker.stats;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Put and get counters, the put latency histogram (Prometheus via Micrometer), and the moving rates that
 * GET_BROKER_RUNTIME_INFO reports (10 s, 1 min, 10 min windows, from samples taken every 10 s).
 *
 * <p>Thread-safe: counters are adders; {@link #sample()} runs on one scheduler thread.
 */
public final class BrokerStats {
    private static final int MAX_SAMPLES = 61;

    private final Clock clock;
    private final LongAdder putMessages = new LongAdder();
    private final LongAdder getMessages = new LongAdder();
    private final Counter putMessagesCounter;
    private final Counter putBytesCounter;
    private final Counter getMessagesCounter;
    private final Counter getBytesCounter;
    private final Timer putLatency;
    private final Deque<long[]> samples = new ArrayDeque<>();

    public BrokerStats(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        this.putMessagesCounter = Counter.builder("rocketkube.broker.put.messages").description("messages stored")
                .register(registry);
        this.putBytesCounter = Counter.builder("rocketkube.broker.put.bytes").baseUnit("bytes")
                .description("message body bytes stored").register(registry);
        this.getMessagesCounter = Counter.builder("rocketkube.broker.get.messages").description("messages pulled")
                .register(registry);
        this.getBytesCounter = Counter.builder("rocketkube.broker.get.bytes").baseUnit("bytes")
                .description("record bytes pulled").register(registry);
        this.putLatency = Timer.builder("rocketkube.broker.put.latency").description("send request to store answer")
                .publishPercentileHistogram().register(registry);
        sample();
    }

    public void recordPut(int messages, long bodyBytes, long elapsedNanos) {
        putMessages.add(messages);
        putMessagesCounter.increment(messages);
        putBytesCounter.increment(bodyBytes);
        putLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    public void recordGet(int messages, long bytes) {
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

    /** Takes a rate sample; the broker calls this every 10 s. */
    public synchronized void sample() {
        samples.addLast(new long[] {clock.millis(), putMessages.sum(), getMessages.sum()});
        while (samples.size() > MAX_SAMPLES) {
            samples.removeFirst();
        }
    }

    /** "tps10s tps1m tps10m" of puts, as the runtime info carries it. */
    public synchronized String putTps() {
        return rates(1);
    }

    public synchronized String getTps() {
        return rates(2);
    }

    private String rates(int column) {
        long[] now = {clock.millis(), putMessages.sum(), getMessages.sum()};
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
