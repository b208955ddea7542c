package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group that does not come up says why, in the words of the pod's status, and past the
 * progress deadline Progressing turns False.
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
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
        sim.settleUntil(() -> {
            assertThat(client.pods()
                            .inNamespace("ns1")
                            .withName("alpha-broker-0-0")
                            .get())
                    .isNotNull();
        });

        sim.crashLoop("alpha-broker-0-0", 4);

        sim.settleUntil(() -> {
            var cluster = harness.get("ns1", "alpha");
            assertThat(condition(cluster, "Progressing").getMessage())
                    .contains("alpha-broker-0 [alpha-broker-0-0: container broker CrashLoopBackOff, 4 restarts]");
        });
    }

    @Test
    void aGroupNotReadyPastTheProgressDeadlineIsReportedOnceAndClearsWhenReady() {
        RocketCluster spec = OperatorHarness.cluster("ns2", "beta", 1);
        spec.getSpec().setProgressDeadlineSeconds(120);
        harness.create(spec);
        WorkloadSimulator sim = harness.simulator("ns2");
        sim.holdNotReady("beta-broker-0-0");
        sim.settleUntil(() -> {
            assertThat(client.pods()
                            .inNamespace("ns2")
                            .withName("beta-broker-0-0")
                            .get())
                    .isNotNull();
        });
        sim.crashLoop("beta-broker-0-0", 4);
        sim.settleUntil(() -> {
            assertCondition(harness.get("ns2", "beta"), "Progressing", "True", "Creating");
            assertThat(condition(harness.get("ns2", "beta"), "Progressing").getMessage())
                    .contains("CrashLoopBackOff");
        });

        harness.clock.advance(Duration.ofSeconds(121));
        poke("ns2", "beta");
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster cluster = harness.get("ns2", "beta");
            assertCondition(cluster, "Progressing", "False", "ProgressDeadlineExceeded");
            assertThat(condition(cluster, "Progressing").getMessage())
                    .contains("progress deadline of 120 s")
                    .contains("beta-broker-0 [beta-broker-0-0: container broker CrashLoopBackOff");
            assertCondition(cluster, "Degraded", "True", "ProgressDeadlineExceeded");
            assertCondition(cluster, "Ready", "False", "BrokerGroupsNotReady");
        });
        // Later passes keep the condition and do not repeat the Event.
        for (int i = 0; i < 3; i++) {
            harness.clock.advance(Duration.ofSeconds(60));
            poke("ns2", "beta");
        }
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(
                                harness.get("ns2", "beta").getMetadata().getAnnotations())
                        .containsEntry("test/poke", "3"));
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).untilAsserted(() -> {
            assertCondition(harness.get("ns2", "beta"), "Progressing", "False", "ProgressDeadlineExceeded");
            assertThat(eventReasons(client, harness.get("ns2", "beta")))
                    .filteredOn("ProgressDeadlineExceeded"::equals)
                    .hasSize(1);
        });

        sim.makeReady("beta-broker-0-0");
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get("ns2", "beta");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Progressing", "False", "Reconciled");
            assertCondition(cluster, "Degraded", "False", "AsExpected");
        });
    }

    /** Any change of the cluster makes the operator look again (generation-aware filtering off). */
    private int pokes;

    private void poke(String namespace, String name) {
        String value = String.valueOf(pokes++);
        harness.edit(namespace, name, c -> {
            c.getMetadata().getAnnotations().put("test/poke", value);
            return c;
        });
    }
}
