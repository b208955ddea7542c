package io.rocketkube.operator.config;

import java.time.Duration;

/**
 * Plain values from {@link OperatorConfig}, so that builders and tests need no config machinery.
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

    /** Settings with the default route refresh period of RocketMQ clients, 30 s. */
    public OperatorSettings(
            String imageRepository,
            long maxReplicationLagBytes,
            Duration resyncInterval,
            Duration busyInterval,
            Duration adminTimeout,
            Duration brokerStartupTimeout) {
        this(
                imageRepository,
                maxReplicationLagBytes,
                resyncInterval,
                busyInterval,
                adminTimeout,
                brokerStartupTimeout,
                Duration.ofSeconds(30));
    }

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

    /** The defaults of {@link OperatorConfig}, for tests and tools that run without Quarkus. */
    public static OperatorSettings defaults() {
        return new OperatorSettings(
                "docker.io/rocketkube",
                4L * 1024 * 1024,
                Duration.ofSeconds(30),
                Duration.ofSeconds(5),
                Duration.ofSeconds(3),
                Duration.ofMinutes(15),
                Duration.ofSeconds(30));
    }

    public OperatorSettings withBusyInterval(Duration interval) {
        return new OperatorSettings(
                imageRepository,
                maxReplicationLagBytes,
                resyncInterval,
                interval,
                adminTimeout,
                brokerStartupTimeout,
                routeRefreshPeriod);
    }

    public OperatorSettings withRouteRefreshPeriod(Duration period) {
        return new OperatorSettings(
                imageRepository,
                maxReplicationLagBytes,
                resyncInterval,
                busyInterval,
                adminTimeout,
                brokerStartupTimeout,
                period);
    }

    public OperatorSettings withMaxReplicationLagBytes(long lag) {
        return new OperatorSettings(
                imageRepository,
                lag,
                resyncInterval,
                busyInterval,
                adminTimeout,
                brokerStartupTimeout,
                routeRefreshPeriod);
    }
}
