package io.rocketkube.broker.ha;

import java.util.ArrayDeque;

/**
 * When the master's CommitLog end passed which offset, sampled once a second, so the age of the oldest byte a
 * slave has not acknowledged can be told without reading records (an acknowledged offset may fall inside one):
 * the byte at the acknowledged offset was written before the first sample past it. Precise to the sampling
 * period; at most an hour of samples is kept (older ones only make an age already above an hour).
 *
 * <p>Thread-safe (synchronized; a sample a second and a read per scrape).
 */
final class WriteTimeline {
    private static final int MAX_SAMPLES = 3600;

    private record Sample(long offset, long millis) {}

    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    synchronized void sample(long endOffset, long nowMillis) {
        Sample last = samples.peekLast();
        if (last == null || endOffset > last.offset) {
            samples.addLast(new Sample(endOffset, nowMillis));
            if (samples.size() > MAX_SAMPLES) {
                samples.removeFirst();
            }
        }
    }

    /** Milliseconds since the byte at {@code acked} was written; 0 when nothing is unacknowledged. */
    synchronized long ageOf(long acked, long endOffset, long nowMillis) {
        if (acked >= endOffset) {
            return 0;
        }
        while (samples.size() > 1 && samples.peekFirst().offset <= acked) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        return first == null || first.offset <= acked ? 0 : Math.max(0, nowMillis - first.millis);
    }
}
