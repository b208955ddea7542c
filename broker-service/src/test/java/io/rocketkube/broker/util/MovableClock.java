package io.rocketkube.broker.util;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that follows the system clock plus an offset the test moves forward (past a window, past midnight). */
public final class MovableClock extends Clock {
    private final ZoneId zone;
    private final AtomicLong offsetMillis = new AtomicLong();

    public MovableClock(ZoneId zone) {
        this.zone = zone;
    }

    public void advance(Duration by) {
        offsetMillis.addAndGet(by.toMillis());
    }

    /** Moves so that now is {@code target} (only forwards). */
    public void advanceTo(Instant target) {
        long by = target.toEpochMilli() - millis();
        if (by > 0) {
            offsetMillis.addAndGet(by);
        }
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        throw new UnsupportedOperationException("fixed zone");
    }
}
