package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import java.time.Duration;

/**
 * Health probes on the servers' Quarkus endpoints. {@code /q/health/live} and
 * {@code /q/health/ready} are the two halves; {@code /q/health} is both.
 */
public final class Probes {

  static final String LIVE = "/q/health/live";
  static final String READY = "/q/health/ready";
  static final String ALL = "/q/health";

  /**
   * A broker that has not registered with any NameServer for this long is restarted. It equals the
   * NameServer's broker expiry (ROCKETKUBE_NAMESRV_BROKER_EXPIRY, 120 s): by then every
   * NameServer has dropped the broker, so clients cannot reach it anyway.
   */
  static final int BROKER_UNREGISTERED_RESTART_SECONDS = 120;
  static final int BROKER_LIVENESS_PERIOD_SECONDS = 10;

  private Probes() {
  }

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
   * Liveness checks both halves, so that a broker cut off from every NameServer for
   * {@value #BROKER_UNREGISTERED_RESTART_SECONDS} s is restarted, like a hung one.
   */
  public static Probe brokerLiveness() {
    return http(ALL, BROKER_LIVENESS_PERIOD_SECONDS,
        BROKER_UNREGISTERED_RESTART_SECONDS / BROKER_LIVENESS_PERIOD_SECONDS, 5);
  }

  /**
   * Holds liveness off until the broker first becomes ready: CommitLog recovery after a crash reads
   * the whole last segments, which can take minutes on large volumes.
   */
  public static Probe brokerStartup(Duration budget) {
    int period = 10;
    int failures = (int) Math.max(1, (budget.toSeconds() + period - 1) / period);
    return http(READY, period, failures, 3);
  }

  private static Probe http(String path, int periodSeconds, int failureThreshold,
      int timeoutSeconds) {
    return new ProbeBuilder()
        .withNewHttpGet().withPath(path).withPort(new IntOrString("http")).endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withFailureThreshold(failureThreshold)
        .withTimeoutSeconds(timeoutSeconds)
        .withSuccessThreshold(1)
        .build();
  }
}
