package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static io.rocketkube.operator.testing.ClusterAssertions.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Edits of owned objects made with the client, as a user would, are put back. */
@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class DriftRevertTest {

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
    void handEditsOfTheStatefulSetConfigMapServiceAndBudgetAreReverted() {
        harness.create(OperatorHarness.cluster("ns1", "alpha", 1));
        WorkloadSimulator sim = harness.simulator("ns1");
        sim.settleUntilReady("alpha");
        // The controllers' own writes (status, pods) are no drift.
        assertThat(eventReasons(client, harness.get("ns1", "alpha"))).doesNotContain("DriftReverted");
        String config = client.configMaps()
                .inNamespace("ns1")
                .withName("alpha-broker-config")
                .get()
                .getData()
                .toString();

        client.apps()
                .statefulSets()
                .inNamespace("ns1")
                .withName("alpha-broker-0")
                .edit(s -> {
                    s.getSpec().setReplicas(5);
                    return s;
                });
        client.configMaps().inNamespace("ns1").withName("alpha-broker-config").edit(c -> {
            c.getData().put("broker.properties", "rocketkube.broker.max-message-size=1\n");
            return c;
        });
        client.services().inNamespace("ns1").withName("alpha-namesrv").edit(s -> {
            s.getSpec().setType("NodePort");
            s.getSpec()
                    .setPorts(List.of(new ServicePortBuilder()
                            .withName("remoting")
                            .withPort(9876)
                            .withNodePort(30876)
                            .build()));
            return s;
        });
        client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace("ns1")
                .withName("alpha-broker-0")
                .edit(b -> {
                    b.getSpec().setMaxUnavailable(new IntOrString(2));
                    return b;
                });

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("ns1")
                            .withName("alpha-broker-0")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(2);
            assertThat(client.configMaps()
                            .inNamespace("ns1")
                            .withName("alpha-broker-config")
                            .get()
                            .getData()
                            .toString())
                    .isEqualTo(config);
            var service = client.services()
                    .inNamespace("ns1")
                    .withName("alpha-namesrv")
                    .get();
            assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
            assertThat(service.getSpec().getPorts())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p.getNodePort()).isNull());
            assertThat(client.policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace("ns1")
                            .withName("alpha-broker-0")
                            .get()
                            .getSpec()
                            .getMaxUnavailable()
                            .getIntVal())
                    .isEqualTo(1);
            assertThat(events(client, harness.get("ns1", "alpha")).stream()
                            .filter(e -> "DriftReverted".equals(e.getReason()))
                            .map(e -> e.getMessage()))
                    .anySatisfy(m -> assertThat(m).contains("StatefulSet alpha-broker-0", "spec.replicas"))
                    .anySatisfy(m -> assertThat(m).contains("ConfigMap alpha-broker-config", "data"))
                    .anySatisfy(m -> assertThat(m).contains("Service alpha-namesrv", "spec."))
                    .anySatisfy(
                            m -> assertThat(m).contains("PodDisruptionBudget alpha-broker-0", "spec.maxUnavailable"));
        });
    }
}
