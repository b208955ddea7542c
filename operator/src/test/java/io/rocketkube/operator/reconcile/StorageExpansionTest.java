package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A change of spec.broker.storage on a running cluster: expanded where the class allows it,
 * otherwise refused with StorageChangeRefused while the cluster stays Ready and the rest of the
 * spec still applies.
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class StorageExpansionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "storage";
    KubernetesClient client;
    private OperatorHarness harness;
    private WorkloadSimulator sim;

    @BeforeEach
    void start() {
        storageClass("expandable", true);
        storageClass("fixed", false);
        harness = new OperatorHarness(client);
        sim = harness.simulator(NS);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aClassWithoutExpansionRefusesTheIncreaseStaysReadyAndAppliesTheRestOfTheSpec() {
        createReady("fixed");
        String stsUid = sts("alpha-broker-0").getMetadata().getUid();

        edit(c -> {
            c.getSpec().getBroker().getStorage().setSize("2Gi");
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "StorageChangeRefused", "True", StorageChange.EXPANSION_NOT_ALLOWED);
            assertThat(condition(cluster, "StorageChangeRefused").getMessage())
                    .contains("from 1Gi to 2Gi", "'fixed' does not allow volume expansion");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Degraded", "False", "AsExpected");
            assertThat(cluster.getStatus().getObservedGeneration()).isEqualTo(2L);
            assertThat(cluster.getStatus().getAppliedStorage().getSize()).isEqualTo("1Gi");
            assertThat(eventReasons(client, cluster)).containsOnlyOnce("StorageChangeRefused");
        });
        assertThat(claimSizes()).containsOnly("1Gi");

        // Still observed and reconciled: another change applies, and the new group gets the storage
        // the others have, not the refused one.
        edit(c -> {
            c.getSpec().getBroker().setGroups(2);
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertThat(cluster.getStatus().getGroupsReady()).isEqualTo("2/2");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "StorageChangeRefused", "True", StorageChange.EXPANSION_NOT_ALLOWED);
        });
        assertThat(templateSize("alpha-broker-1")).isEqualTo("1Gi");
        assertThat(sts("alpha-broker-0").getMetadata().getUid()).isEqualTo(stsUid);
        assertThat(claimSizes()).hasSize(4).containsOnly("1Gi");
        assertThat(eventReasons(client, harness.get(NS, "alpha"))).containsOnlyOnce("StorageChangeRefused");

        // Taking the change back clears the condition.
        edit(c -> {
            c.getSpec().getBroker().getStorage().setSize("1Gi");
            return c;
        });
        await().atMost(WAIT)
                .untilAsserted(() -> assertCondition(
                        harness.get(NS, "alpha"), "StorageChangeRefused", "False", "StorageAsSpecified"));
    }

    @Test
    void anExpandableClassGrowsEveryClaimAndARestartedOperatorStillRefusesTheDecrease() {
        createReady("expandable");
        String stsUid = sts("alpha-broker-0").getMetadata().getUid();

        edit(c -> {
            c.getSpec().getBroker().getStorage().setSize("2Gi");
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(claimSizes()).hasSize(2).containsOnly("2Gi");
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "StorageChangeRefused", "False", "StorageAsSpecified");
            assertThat(cluster.getStatus().getAppliedStorage().getSize()).isEqualTo("2Gi");
            assertThat(eventReasons(client, cluster)).contains("ExpandingVolumes");
        });
        // The StatefulSet is neither changed (its claim templates are immutable) nor recreated.
        assertThat(sts("alpha-broker-0").getMetadata().getUid()).isEqualTo(stsUid);
        assertThat(templateSize("alpha-broker-0")).isEqualTo("1Gi");

        // A new group is created with the expanded size.
        edit(c -> {
            c.getSpec().getBroker().setGroups(2);
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(harness.get(NS, "alpha").getStatus().getGroupsReady()).isEqualTo("2/2");
        });
        assertThat(templateSize("alpha-broker-1")).isEqualTo("2Gi");
        assertThat(claimSizes()).hasSize(4).containsOnly("2Gi");

        // The operator restarts: what the groups run with comes from the status, not the templates.
        harness.close();
        harness = new OperatorHarness(client);
        sim = harness.simulator(NS);
        edit(c -> {
            c.getSpec().getBroker().getStorage().setSize("1500Mi");
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "StorageChangeRefused", "True", StorageChange.SIZE_DECREASE);
            assertThat(condition(cluster, "StorageChangeRefused").getMessage())
                    .contains("cannot shrink from 2Gi to 1500Mi");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
        });
        assertThat(claimSizes()).containsOnly("2Gi");
    }

    private void createReady(String storageClass) {
        RocketCluster spec = OperatorHarness.cluster(NS, "alpha", 1);
        spec.getSpec().getBroker().getStorage().setStorageClass(storageClass);
        harness.create(spec);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "StorageChangeRefused", "False", "StorageAsSpecified");
        });
    }

    private void storageClass(String name, boolean allowVolumeExpansion) {
        client.storage()
                .v1()
                .storageClasses()
                .resource(new StorageClassBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withProvisioner("test.rocketkube.io")
                        .withAllowVolumeExpansion(allowVolumeExpansion)
                        .build())
                .create();
    }

    private void edit(UnaryOperator<RocketCluster> change) {
        harness.edit(NS, "alpha", change);
    }

    private StatefulSet sts(String name) {
        return client.apps().statefulSets().inNamespace(NS).withName(name).get();
    }

    private String templateSize(String sts) {
        return sts(sts).getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage")
                .toString();
    }

    private List<String> claimSizes() {
        return client.persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
                .map(PersistentVolumeClaim::getSpec)
                .map(s -> s.getResources().getRequests().get("storage").toString())
                .toList();
    }
}
