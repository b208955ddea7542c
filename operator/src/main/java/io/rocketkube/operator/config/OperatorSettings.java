package io.rocketkube.operator.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Plain values from {@link OperatorConfig}, so that builders and tests need no config machinery. Defaults
 * are written once, in {@code OperatorConfig}; {@link #defaults()} and {@link #load} read them from there, and a
 * test that needs other values loads the keys it sets (no withers: one shape, the mapping's).
 *
 * @param imageRepository default image repository prefix
 * @param maxReplicationLagBytes lag under which a slave is caught up
 * @param resyncInterval requeue delay of a settled cluster
 * @param busyInterval requeue delay while a roll or scale-in waits
 * @param adminTimeout timeout of one admin call
 * @param brokerStartupTimeout startup probe budget of a broker
 * @param routeRefreshPeriod how long producers may still send on a route cached before a wipe
 */
public record OperatorSettings(
        String imageRepository,
        long maxReplicationLagBytes,
        Duration resyncInterval,
        Duration busyInterval,
        Duration adminTimeout,
        Duration brokerStartupTimeout,
        Duration routeRefreshPeriod) {

    public static OperatorSettings from(OperatorConfig config) {
        return new OperatorSettings(
                config.imageRepository(),
                config.maxReplicationLagBytes(),
                config.resyncInterval(),
                config.busyInterval(),
                config.adminTimeout(),
                config.brokerStartupTimeout(),
                config.routeRefreshPeriod());
    }

    /**
     * The settings the packaged operator would have if only {@code properties} were configured (keys without
     * the {@code rocketkube.operator.} prefix). Neither the environment nor system properties are read; an
     * unknown key fails.
     */
    public static OperatorSettings load(Map<String, String> properties) {
        Map<String, String> prefixed = new HashMap<>();
        properties.forEach((key, value) -> prefixed.put("rocketkube.operator." + key, value));
        return from(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(prefixed, "settings", 100))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(OperatorConfig.class)
                .withValidateUnknown(true)
                .build()
                .getConfigMapping(OperatorConfig.class));
    }

    /** The defaults {@link OperatorConfig} writes, for tests and tools that run without Quarkus. */
    public static OperatorSettings defaults() {
        return load(Map.of());
    }
}
