package io.rocketkube.broker.timer;

/**
 * Events per second over the last complete window of {@link #WINDOW_MILLIS} (RocketMQ's timer TPS keys are
 * such a rate). One writer (the timer thread), any readers.
 */
final class TimerThroughput {
    static final long WINDOW_MILLIS = 10_000;
    private long windowStart = -1;
    private long inWindow;
    private volatile double lastRate;
    private volatile long lastWindowEnd;

    synchronized void add(long events, long now) {
        roll(now);
        inWindow += events;
    }

    synchronized double perSecond(long now) {
        roll(now);
        return now - lastWindowEnd > 2 * WINDOW_MILLIS ? 0 : lastRate;
    }

    private void roll(long now) {
        if (windowStart < 0) {
            windowStart = now;
        }
        if (now - windowStart >= WINDOW_MILLIS) {
            lastRate = inWindow * 1000.0 / (now - windowStart);
            lastWindowEnd = now;
            windowStart = now;
            inWindow = 0;
        }
    }
}
