package io.rocketkube.broker.ha;

/**
 * Bytes per second of an offset that grows as replication moves data, measured over windows of at least a second
 * (the transfer speed 5.x mqadmin haStatus prints). Idle for two windows, it reads 0.
 *
 * <p>Thread-safe.
 */
final class TransferRate {
    private static final long WINDOW_MILLIS = 1000;

    private long windowStartMillis = -1;
    private long windowStartOffset;
    private long bytesPerSecond;

    synchronized void observe(long offset, long nowMillis) {
        if (windowStartMillis < 0 || offset < windowStartOffset) {
            windowStartMillis = nowMillis;
            windowStartOffset = offset;
            return;
        }
        long elapsed = nowMillis - windowStartMillis;
        if (elapsed >= WINDOW_MILLIS) {
            bytesPerSecond = (offset - windowStartOffset) * 1000 / elapsed;
            windowStartMillis = nowMillis;
            windowStartOffset = offset;
        }
    }

    synchronized long bytesPerSecond(long nowMillis) {
        return windowStartMillis < 0 || nowMillis - windowStartMillis > 2 * WINDOW_MILLIS ? 0 : bytesPerSecond;
    }
}
