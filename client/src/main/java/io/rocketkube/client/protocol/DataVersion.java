package io.rocketkube.client.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A broker's topic-table version: the NameServer re-reads a registration's topics only when it changes.
 * {@code stateVersion} is 5.x's addition and omitted when absent.
 */
public record DataVersion(
        long counter,
        long timestamp,
        @JsonInclude(JsonInclude.Include.NON_NULL) Long stateVersion) {
    public static final DataVersion EMPTY = new DataVersion(0, 0, null);

    public DataVersion next(long now) {
        return new DataVersion(counter + 1, now, stateVersion);
    }
}
