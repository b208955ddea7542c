package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RocketClusters with fields or enum values this operator does not know, as the mock (which does
 * not prune or validate) stores them: each is InvalidSpec on its own, naming the field, and the
 * watch of every other cluster goes on.
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class UnknownFieldsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "unknown";
    KubernetesClient client;
    private OperatorHarness harness;
    private WorkloadSimulator sim;

    @BeforeEach
    void start() {
        harness = new OperatorHarness(client);
        sim = harness.simulator(NS);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void anUnknownFieldOrEnumValueIsInvalidSpecNamingItAndOtherClustersAreStillReconciled() {
        harness.create(OperatorHarness.cluster(NS, "alpha", 1));
        sim.settleUntilReady("alpha");

        createRaw(
                "beta",
                "{\"version\":\"0.1.0\",\"brokerr\":{\"groups\":3},"
                        + "\"broker\":{\"groups\":1,\"storage\":{\"size\":\"1Gi\",\"sizee\":\"2Gi\"}}}");
        createRaw(
                "gamma",
                "{\"version\":\"0.1.0\",\"broker\":{\"groups\":1,\"role\":\"DLEDGER\","
                        + "\"storage\":{\"size\":\"1Gi\"}}}");
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster beta = harness.get(NS, "beta");
            assertCondition(beta, "Degraded", "True", "InvalidSpec");
            assertThat(condition(beta, "Degraded").getMessage())
                    .contains("spec.brokerr is not a field of RocketCluster v1alpha1")
                    .contains("spec.broker.storage.sizee is not a field");
            RocketCluster gamma = harness.get(NS, "gamma");
            assertCondition(gamma, "Degraded", "True", "InvalidSpec");
            assertThat(condition(gamma, "Degraded").getMessage())
                    .contains("spec.broker.role, flushMode and antiAffinity must be one of");
        });
        assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems())
                .extracting(s -> s.getMetadata().getName())
                .containsExactly("alpha-broker-0");

        // The watch goes on: a cluster created after them is reconciled.
        harness.create(OperatorHarness.cluster(NS, "delta", 1));
        sim.settleUntilReady("delta");

        // A running cluster given an unknown field is reported and left as it runs.
        String stsVersion = client.apps()
                .statefulSets()
                .inNamespace(NS)
                .withName("alpha-broker-0")
                .get()
                .getMetadata()
                .getResourceVersion();
        GenericKubernetesResource alpha = generic().withName("alpha").get();
        @SuppressWarnings("unchecked")
        Map<String, Object> broker = (Map<String, Object>)
                ((Map<String, Object>) alpha.getAdditionalProperties().get("spec")).get("broker");
        broker.put("replicasPerGroupp", 3);
        broker.put("replicasPerGroup", 1);
        generic().resource(alpha).update();
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Degraded", "True", "InvalidSpec");
            assertThat(condition(cluster, "Degraded").getMessage())
                    .contains("spec.broker.replicasPerGroupp is not a field");
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-0")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .isEqualTo(stsVersion);
    }

    private void createRaw(String name, String specJson) {
        GenericKubernetesResource raw = client.getKubernetesSerialization()
                .unmarshal(
                        "{\"apiVersion\":\"rocketkube.io/v1alpha1\",\"kind\":\"RocketCluster\",\"metadata\":"
                                + "{\"name\":\"" + name + "\",\"namespace\":\"" + NS + "\"},\"spec\":" + specJson + "}",
                        GenericKubernetesResource.class);
        generic().resource(raw).create();
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
                    GenericKubernetesResource,
                    io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
                    io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>>
            generic() {
        return client.genericKubernetesResources(RocketCluster.GROUP + "/" + RocketCluster.VERSION, "RocketCluster")
                .inNamespace(NS);
    }
}
