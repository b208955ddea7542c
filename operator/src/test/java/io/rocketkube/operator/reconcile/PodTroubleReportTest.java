package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.operator.testing.OperatorHarness;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A group that does not come up says why, in the words of the pod's status. */
@Timeout(120)
@EnableKubernetesMockClient(crud = true)
class PodTroubleReportTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  KubernetesClient client;
  private OperatorHarness harness;

  @BeforeEach
  void start() {
    harness = new OperatorHarness(client);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void crashLoopingMasterIsNamedInProgressing() {
    harness.create(OperatorHarness.cluster("ns1", "alpha", 1));
    WorkloadSimulator sim = harness.simulator("ns1");
    sim.holdNotReady("alpha-broker-0-0");
    await().atMost(WAIT).untilAsserted(() -> {
      sim.settle();
      assertThat(client.pods().inNamespace("ns1").withName("alpha-broker-0-0").get()).isNotNull();
    });

    // The kubelet's report of a container that keeps dying.
    client.pods().inNamespace("ns1").withName("alpha-broker-0-0").patch(
        PatchContext.of(PatchType.JSON_MERGE),
        client.getKubernetesSerialization().asJson(Map.of("status", new PodStatusBuilder()
            .addNewContainerStatus().withName("broker").withRestartCount(4).withNewState()
            .withNewWaiting().withReason("CrashLoopBackOff").endWaiting().endState()
            .endContainerStatus().build())));

    await().atMost(WAIT).untilAsserted(() -> {
      sim.settle();
      var cluster = harness.get("ns1", "alpha");
      assertThat(condition(cluster, "Progressing").getMessage()).contains(
          "alpha-broker-0 [alpha-broker-0-0: container broker CrashLoopBackOff, 4 restarts]");
    });
  }
}
