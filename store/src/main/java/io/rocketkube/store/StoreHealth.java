package io.rocketkube.store;

import java.util.Objects;
import java.util.Optional;

/**
 * What the store can still do, for the broker's health checks and send path.
 *
 * @param writable      appends are accepted now (open, no fatal error, disk below the write gate)
 * @param fatalReason   why the store can no longer make writes durable (a failed sync); a restart is
 *                      needed, so a liveness check should fail with this reason. Empty while healthy.
 * @param diskFull      the write gate is closed ({@link StoreConfig#diskMaxUsedSpaceRatio()}); clears
 *                      by itself once space is freed, so it is not a liveness failure
 * @param diskUsedRatio fraction 0..1 of the data directory's file system in use, as last measured
 */
public record StoreHealth(boolean writable, Optional<String> fatalReason, boolean diskFull, double diskUsedRatio) {

    public StoreHealth {
        Objects.requireNonNull(fatalReason, "fatalReason");
    }

    /** Whether the store needs no restart (a full disk does not count). */
    public boolean live() {
        return fatalReason.isEmpty();
    }
}
