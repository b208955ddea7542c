package io.rocketkube.store;

import java.util.Set;
import java.util.TreeSet;

/**
 * When CommitLog segments are old enough to go, and when they go: what an operator may change while the store
 * runs (RocketMQ's {@code fileReservedTime}, {@code deleteWhen} and {@code diskMaxUsedSpaceRatio}). The
 * forced-cleaning threshold is not here: it guards the disk and stays as the store was opened with.
 *
 * @param fileReservedHours a segment whose last write is at least this old is expired
 * @param deleteHours the hours of the day (in the store clock's zone) at which expired segments go
 * @param cleanExpiredPercent above this disk usage expired segments go at any hour
 */
public record RetentionPolicy(int fileReservedHours, Set<Integer> deleteHours, int cleanExpiredPercent) {

    public RetentionPolicy {
        if (fileReservedHours < 0) {
            throw new IllegalArgumentException("fileReservedHours must be >= 0, was " + fileReservedHours);
        }
        if (deleteHours.isEmpty() || deleteHours.stream().anyMatch(h -> h < 0 || h > 23)) {
            throw new IllegalArgumentException("deleteHours must be one or more hours 0..23, was " + deleteHours);
        }
        if (cleanExpiredPercent < 0 || cleanExpiredPercent > 100) {
            throw new IllegalArgumentException("cleanExpiredPercent must be 0..100, was " + cleanExpiredPercent);
        }
        deleteHours = Set.copyOf(new TreeSet<>(deleteHours));
    }

    public long reservedMillis() {
        return fileReservedHours * 3_600_000L;
    }
}
