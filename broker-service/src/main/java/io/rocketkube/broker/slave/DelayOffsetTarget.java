package io.rocketkube.broker.slave;

/**
 * Where a slave puts its master's delay-level offsets (GET_ALL_DELAY_OFFSET's body, the reference's
 * {@code delayOffset.json}: {@code {"offsetTable":{1:0,2:17}}}). A broker hands them to
 * the delay-level positions table ({@code schedule.DelayOffsetTable::applyFromMaster}); {@link #NONE} drops them.
 */
@FunctionalInterface
public interface DelayOffsetTarget {
    DelayOffsetTarget NONE = json -> {};

    /** Applies (and persists) the master's table; called only when it differs from the last one applied. */
    void apply(String json);
}
