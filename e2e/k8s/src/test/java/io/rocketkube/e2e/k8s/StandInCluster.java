package io.rocketkube.e2e.k8s;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.cluster.StandInOptions;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The stand-in as the tests run it: probes polled at least every second (declared budgets kept),
 * the operator's busy re-check every second, and the hosts file this JVM was started with
 * ({@code -Djdk.net.hosts.file}, set by the pom's argLine).
 */
final class StandInCluster {

  private StandInCluster() {
  }

  static ClusterStandIn start() {
    String hosts = System.getProperty("rocketkube.e2e.hosts-file");
    if (hosts == null || !hosts.equals(System.getProperty("jdk.net.hosts.file"))) {
      throw new IllegalStateException("run with -Djdk.net.hosts.file=<file> "
          + "-Drocketkube.e2e.hosts-file=<same file> (the e2e/k8s pom sets both)");
    }
    Path data = E2eLayout.newRunDir("stand-in");
    StandInOptions options = StandInOptions.defaults(E2eLayout.root(), data, Path.of(hosts))
        .withProbePeriodCap(Duration.ofSeconds(1))
        .withOperatorProperties(Map.of("rocketkube.operator.busy-interval", "1s"));
    return ClusterStandIn.start(options);
  }
}
