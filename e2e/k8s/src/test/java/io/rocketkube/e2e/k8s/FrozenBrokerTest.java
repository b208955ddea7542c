package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Freeze a master broker with SIGSTOP (its PID is one the stand-in started): its liveness probe
 * (/q/health/live, 10 s × 3 with a 5 s timeout, as the operator declares) fails, the kubelet
 * stops the container (SIGTERM is held by the stopped process, so SIGKILL after the 60 s grace
 * period, as on a real node) and starts it again on the same claim: a new PID, the frozen one
 * gone, restartCount in the pod's status. Not checked here: the NameServer dropping the frozen broker's routes after its
 * expiry, which the operator leaves at 120 s (see the report).
 */
@Tag("slow")
class FrozenBrokerTest {

  private static ClusterStandIn cluster;

  @BeforeAll
  static void start() {
    cluster = StandInCluster.start();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void livenessRestartsAFrozenBroker() throws Exception {
    cluster.kubectl().run("apply", "-n", "mq", "-f",
        E2eLayout.root().resolve("deploy/examples/rocketcluster.yaml").toString()).orThrow();
    await("Ready").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
        .until(() -> cluster.kubectl().run("get", "rkc", "orders", "-n", "mq", "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").output().trim()
            .equals("True"));
    String pod = "orders-broker-0-0";
    long frozen = cluster.runner().pid("mq", pod);
    assertThat(frozen).isPositive();
    new ProcessBuilder("kill", "-STOP", Long.toString(frozen)).inheritIO().start().waitFor();
    long stoppedAt = System.nanoTime();

    await("liveness restart of " + pod).atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> cluster.runner().pid("mq", pod) != frozen);
    System.out.println("frozen broker restarted "
        + Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis() + " ms after SIGSTOP");
    assertThat(ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    await(pod + " status shows the restart").atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
          Pod p = cluster.client().pods().inNamespace("mq").withName(pod).get();
          return p.getStatus().getContainerStatuses().get(0).getRestartCount() >= 1;
        });
    // Not asserted yet: the restarted broker becoming Ready again. In the one run so far it was not
    // Ready 2 min after its restart (cause not diagnosed before the deadline; the pod's logs are
    // now kept under target/e2e/<run>/stand-in-*/pods/ for the next run).
  }
}
