package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;

/**
 * Health probes on the servers' Quarkus endpoints: {@code /q/health/live}, {@code /q/health/ready}
 * and {@code /q/health/started}. Never {@code /q/health} for liveness: it aggregates readiness, and
 * a broker's readiness depends on the NameServers, so a NameServer outage would get every broker
 * restarted (issue 16). Liveness only asks whether the process itself is healthy.
 */
public final class Probes {

    static final String LIVE = "/q/health/live";
    static final String READY = "/q/health/ready";
    static final String STARTED = "/q/health/started";

    private Probes() {}

    public static Probe nameServerLiveness() {
        return http(LIVE, 10, 3, 3);
    }

    public static Probe nameServerReadiness() {
        return http(READY, 5, 3, 3);
    }

    /** The NameServer has no store to recover; one minute covers a slow JVM start. */
    public static Probe nameServerStartup() {
        return http(LIVE, 2, 30, 2);
    }

    /** Ready means the store is recovered and the broker is registered with a NameServer. */
    public static Probe brokerReadiness() {
        return http(READY, 10, 3, 3);
    }

    /**
     * The broker process only (server listening, pools and scheduler running, store answering): a
     * broker cut off from the NameServers is not ready, but restarting it would not reconnect it, and
     * would turn a NameServer outage into a restart of every broker.
     */
    public static Probe brokerLiveness() {
        return http(LIVE, 10, 3, 5);
    }

    /**
     * Holds liveness off until the broker has started (the store recovered): CommitLog recovery
     * after a crash reads the whole last segments, which can take minutes on large volumes. Not
     * readiness: a broker restarted during a NameServer outage must not be killed for it.
     */
    public static Probe brokerStartup(Duration budget) {
        int period = 10;
        int failures = (int) Math.max(1, (budget.toSeconds() + period - 1) / period);
        return http(STARTED, period, failures, 3);
    }

    private static Probe http(String path, int periodSeconds, int failureThreshold, int timeoutSeconds) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(failureThreshold)
                .withTimeoutSeconds(timeoutSeconds)
                .withSuccessThreshold(1)
                .build();
    }
}
