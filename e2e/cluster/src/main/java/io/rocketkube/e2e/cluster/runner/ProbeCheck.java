package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

/**
 * One declared probe of one container, run against the pod's own address as the kubelet would:
 * HTTP GET succeeds on 200–399, TCP on an accepted connection; both within timeoutSeconds. Keeps
 * the consecutive success and failure counts and when it is next due. exec and gRPC probes are not
 * supported and count as success (none of our manifests declares one). With a period cap the
 * declared time to failure is kept (see the constructor). Not thread-safe: one pod's
 * probes run on that pod's tick only.
 */
final class ProbeCheck {

    private final Probe probe;
    private final Container container;
    private final String host;
    private final Duration period;
    private long nextDueNanos;
    private int failures;
    private int successes;
    private final int failureThreshold;
    private final long failureBudgetNanos;
    private long firstFailureNanos;
    private long lastRunNanos;

    ProbeCheck(Probe probe, Container container, String host, Duration periodCap, long startNanos) {
        this.probe = probe;
        this.container = container;
        this.host = host;
        Duration declared = Duration.ofSeconds(value(probe.getPeriodSeconds(), 10));
        this.period = periodCap != null && periodCap.compareTo(declared) < 0 ? periodCap : declared;
        // A capped period keeps the declared time budget: failure needs failureThreshold consecutive
        // failures AND (failureThreshold - 1) declared periods since the first of them, so a startup
        // probe polled every second still allows the minute its manifest allows, and a probe that
        // times out is not given more time than declared.
        this.failureThreshold = value(probe.getFailureThreshold(), 3);
        this.failureBudgetNanos = declared.toNanos() * (failureThreshold - 1);
        long initial =
                Duration.ofSeconds(value(probe.getInitialDelaySeconds(), 0)).toNanos();
        this.nextDueNanos = startNanos
                + Math.min(initial, periodCap == null ? initial : Math.max(initial / 10, periodCap.toNanos()));
    }

    boolean due(long nowNanos) {
        return nowNanos - nextDueNanos >= 0;
    }

    /** Runs the probe; returns whether it passed. Updates the consecutive counts. */
    boolean run(long nowNanos) {
        nextDueNanos = nowNanos + period.toNanos();
        boolean ok = check();
        lastRunNanos = System.nanoTime();
        if (ok) {
            successes++;
            failures = 0;
        } else {
            if (failures == 0) {
                firstFailureNanos = nowNanos;
            }
            failures++;
            successes = 0;
        }
        return ok;
    }

    boolean failedPastThreshold() {
        return failures >= failureThreshold && lastRunNanos - firstFailureNanos >= failureBudgetNanos;
    }

    boolean succeededPastThreshold() {
        return successes >= value(probe.getSuccessThreshold(), 1);
    }

    void reset(long nowNanos) {
        failures = 0;
        successes = 0;
        nextDueNanos = nowNanos;
    }

    private boolean check() {
        int timeoutMillis =
                (int) Duration.ofSeconds(value(probe.getTimeoutSeconds(), 1)).toMillis();
        if (probe.getHttpGet() != null) {
            int port = port(probe.getHttpGet().getPort());
            String path = probe.getHttpGet().getPath() == null
                    ? "/"
                    : probe.getHttpGet().getPath();
            try {
                HttpURLConnection connection = (HttpURLConnection)
                        URI.create("http://" + host + ":" + port + path).toURL().openConnection();
                connection.setConnectTimeout(timeoutMillis);
                connection.setReadTimeout(timeoutMillis);
                try {
                    int code = connection.getResponseCode();
                    return code >= 200 && code < 400;
                } finally {
                    connection.disconnect();
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        if (probe.getTcpSocket() != null) {
            try (Socket socket = new Socket()) {
                socket.connect(
                        new InetSocketAddress(host, port(probe.getTcpSocket().getPort())), timeoutMillis);
                return true;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    private int port(IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        for (ContainerPort declared : container.getPorts()) {
            if (port.getStrVal().equals(declared.getName())) {
                return declared.getContainerPort();
            }
        }
        throw new IllegalArgumentException("no container port named " + port.getStrVal());
    }

    private static int value(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
