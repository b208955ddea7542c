package io.rocketkube.broker.timer;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One due tick's chain of timer-log records, walked once before the tick is delivered, because RocketMQ 5
 * collects a slot's delete markers first: a cancel marker (TIMER_DEL_UNIQKEY) suppresses a timer of the same
 * tick whatever their order in the log. The walk keeps the first {@link #KEPT} records it reads, so a tick of
 * ordinary size is read from the log once; the records of a larger tick beyond those are read again as they
 * are delivered, which keeps the heap flat whatever one tick holds.
 *
 * <p>A marker's key is {@code <realTopic>+<uniqKey>} (5.x up to 5.3, and 5.5 with appendTopicForTimerDeleteKey)
 * or the bare uniqKey (5.5's default); both are accepted, so producers of either version can cancel.
 */
final class TickChain {
    private static final Logger LOG = LoggerFactory.getLogger(TickChain.class);
    static final int KEPT = 16_384;

    /** Takes one record of the chain; false stops the walk. */
    @FunctionalInterface
    interface Visitor {
        boolean visit(TimerLog.Entry entry) throws IOException;
    }

    private final long tick;
    private final List<TimerLog.Entry> kept;
    private final long resumeAt;
    private final long lostAt;
    private final Set<String> cancelKeys;

    private TickChain(long tick, List<TimerLog.Entry> kept, long resumeAt, long lostAt, Set<String> cancelKeys) {
        this.tick = tick;
        this.kept = kept;
        this.resumeAt = resumeAt;
        this.lostAt = lostAt;
        this.cancelKeys = cancelKeys;
    }

    /**
     * Walks {@code tick}'s chain from its head; {@code markerKey} reads the TIMER_DEL_UNIQKEY of the message at
     * a CommitLog offset, and is asked only for the markers due in this tick.
     */
    static TickChain read(long tick, TimerWheelStore wheel, LongFunction<Optional<String>> markerKey)
            throws IOException {
        return read(tick, wheel, markerKey, KEPT);
    }

    /** As {@link #read(long, TimerWheelStore, LongFunction)}, keeping at most {@code keptLimit} records. */
    static TickChain read(long tick, TimerWheelStore wheel, LongFunction<Optional<String>> markerKey, int keptLimit)
            throws IOException {
        List<TimerLog.Entry> kept = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        long resumeAt = -1;
        long lostAt = -1;
        for (long position = wheel.head(tick); position >= 0; ) {
            TimerLog.Entry e = wheel.read(position);
            if (e == null) {
                if (resumeAt < 0) {
                    lostAt = position;
                }
                break;
            }
            if (kept.size() < keptLimit) {
                kept.add(e);
            } else if (resumeAt < 0) {
                resumeAt = position;
            }
            if (e.cancel() && e.deliverMs() <= tick) {
                markerKey.apply(e.commitLogOffset()).ifPresent(keys::add);
            }
            position = e.prev();
        }
        return new TickChain(tick, kept, resumeAt, lostAt, keys);
    }

    /**
     * Gives the visitor every record of the chain, head first (the kept ones from memory, the rest read
     * again); false if the visitor stopped. A damaged record ends the chain, logged.
     */
    boolean forEach(TimerWheelStore wheel, Visitor visitor) throws IOException {
        for (TimerLog.Entry e : kept) {
            if (!visitor.visit(e)) {
                return false;
            }
        }
        if (lostAt >= 0) {
            logLost(lostAt);
            return true;
        }
        for (long position = resumeAt; position >= 0; ) {
            TimerLog.Entry e = wheel.read(position);
            if (e == null) {
                logLost(position);
                return true;
            }
            position = e.prev();
            if (!visitor.visit(e)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a marker of this tick names {@code m}. */
    boolean cancels(MessageRecord m) {
        if (cancelKeys.isEmpty()) {
            return false;
        }
        String uniqKey = PropertiesCodec.find(m.properties(), MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniqKey == null) {
            return false;
        }
        String realTopic = PropertiesCodec.find(m.properties(), MessageProperties.REAL_TOPIC);
        return cancelKeys.contains(uniqKey) || cancelKeys.contains(realTopic + "+" + uniqKey);
    }

    private void logLost(long position) {
        LOG.error("timer tick {}: log record at {} is gone or damaged; the rest of its chain is lost", tick, position);
    }
}
