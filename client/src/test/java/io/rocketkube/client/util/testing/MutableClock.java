package io.rocketkube.client.util.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock that tests move by hand, for timeouts and expiries that must not wait in real time. The one
 * test clock of every module: client's test-jar, which store, namesrv-service and operator take in test
 * scope.
 */
public final class MutableClock extends Clock {

    private final AtomicLong millis;

    /** Starts at 2023-11-14T22:13:20Z, a fixed instant well past the epoch. */
    public MutableClock() {
        this(1_700_000_000_000L);
    }

    public MutableClock(long startMillis) {
        this.millis = new AtomicLong(startMillis);
    }

    public MutableClock(Instant start) {
        this(start.toEpochMilli());
    }

    public void advance(Duration duration) {
        millis.addAndGet(duration.toMillis());
    }

    public void set(long epochMillis) {
        millis.set(epochMillis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
