package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterLifecycleTest {

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
    void creatingAClusterYieldsEveryDependentThenReady() {
        RocketCluster created = harness.create(OperatorHarness.cluster("ns1", "alpha", 2));
        String uid = created.getMetadata().getUid();

        await().atMost(WAIT).untilAsserted(() -> {
            List<HasMetadata> objects = owned("ns1", "alpha");
            assertThat(objects)
                    .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                    .containsExactlyInAnyOrder(
                            "Deployment/alpha-namesrv",
                            "Service/alpha-namesrv-headless",
                            "Service/alpha-namesrv",
                            "PodDisruptionBudget/alpha-namesrv",
                            "ConfigMap/alpha-broker-config",
                            "ConfigMap/alpha-namesrv-kv",
                            "StatefulSet/alpha-broker-0",
                            "Service/alpha-broker-0",
                            "PodDisruptionBudget/alpha-broker-0",
                            "StatefulSet/alpha-broker-1",
                            "Service/alpha-broker-1",
                            "PodDisruptionBudget/alpha-broker-1");
            assertThat(objects)
                    .allSatisfy(o -> assertThat(o.getMetadata().getOwnerReferences())
                            .singleElement()
                            .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid)));
            RocketCluster cluster = harness.get("ns1", "alpha");
            assertCondition(cluster, "Ready", "False", "NameServersNotReady");
            assertCondition(cluster, "Progressing", "True", "Creating");
            assertCondition(cluster, "Degraded", "False", "AsExpected");
            assertThat(cluster.getStatus().getObservedGeneration()).isEqualTo(1L);
        });

        WorkloadSimulator sim = harness.simulator("ns1");
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get("ns1", "alpha");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Progressing", "False", "Reconciled");
            assertCondition(cluster, "Degraded", "False", "AsExpected");
            assertCondition(cluster, "ScaleDownBlocked", "False", "NotBlocked");
            assertThat(cluster.getStatus().getNameServerAddress()).isEqualTo("alpha-namesrv.ns1.svc:9876");
            assertThat(cluster.getStatus().getNameServers()).isEqualTo("2/2");
            assertThat(cluster.getStatus().getGroupsReady()).isEqualTo("2/2");
            assertThat(cluster.getStatus().getGroups()).isEqualTo(2);
            assertThat(cluster.getStatus().getBrokerGroups()).allSatisfy(g -> {
                assertThat(g.isMasterReady()).isTrue();
                assertThat(g.getSlavesReady()).isEqualTo(1);
                assertThat(g.isRegistered()).isTrue();
                assertThat(g.getReplicationLagBytes()).isZero();
            });
        });
        assertThat(eventReasons(client, harness.get("ns1", "alpha"))).containsExactly("GroupCreated", "GroupCreated");
    }

    @Test
    void twoClustersInOneNamespaceDoNotTouchEachOther() {
        harness.create(OperatorHarness.cluster("shared", "alpha", 1));
        harness.create(OperatorHarness.cluster("shared", "beta", 1));
        harness.create(OperatorHarness.cluster("other", "alpha", 1));
        WorkloadSimulator shared = harness.simulator("shared");
        WorkloadSimulator other = harness.simulator("other");
        shared.settleUntil(() -> {
            other.settle();
            for (String[] c : new String[][] {{"shared", "alpha"}, {"shared", "beta"}, {"other", "alpha"}}) {
                assertCondition(harness.get(c[0], c[1]), "Ready", "True", "ClusterReady");
            }
        });
        Map<String, String> betaVersions = versions(owned("shared", "beta"));
        String betaStatus = client.getKubernetesSerialization()
                .asJson(harness.get("shared", "beta").getStatus());

        harness.edit("shared", "alpha", c -> {
            c.getSpec().getBroker().setGroups(2);
            c.getSpec().getNameServer().setReplicas(3);
            return c;
        });
        shared.settleUntil(() -> {
            assertCondition(harness.get("shared", "alpha"), "Ready", "True", "ClusterReady");
            assertThat(harness.get("shared", "alpha").getStatus().getGroupsReady())
                    .isEqualTo("2/2");
        });
        assertThat(versions(owned("shared", "beta"))).isEqualTo(betaVersions);
        assertThat(client.getKubernetesSerialization()
                        .asJson(harness.get("shared", "beta").getStatus()))
                .isEqualTo(betaStatus);
        assertThat(owned("other", "alpha")).hasSize(9);
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("other")
                        .withName("alpha-namesrv")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);
    }

    @Test
    void invalidSpecIsRejectedWithAClearMessageAndChangesNothing() {
        RocketCluster cluster = OperatorHarness.cluster("ns2", "bad", 1);
        cluster.getSpec().getBroker().getConfig().put("brokerName", "mine");
        cluster.getSpec().getBroker().setReplicasPerGroup(1);
        cluster.getSpec().getBroker().setRole(io.rocketkube.crds.v1alpha1.BrokerSpec.BrokerRole.SYNC_MASTER);
        harness.create(cluster);
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster seen = harness.get("ns2", "bad");
            assertCondition(seen, "Ready", "False", "InvalidSpec");
            assertCondition(seen, "Degraded", "True", "InvalidSpec");
            assertCondition(seen, "Progressing", "False", "InvalidSpec");
            assertThat(seen.getStatus().getConditions())
                    .filteredOn(c -> c.getType().equals("Ready"))
                    .singleElement()
                    .satisfies(c -> assertThat(c.getMessage())
                            .isEqualTo(
                                    "invalid spec: role SYNC_MASTER needs at least one slave: set replicasPerGroup to 2"
                                            + " or more; spec.broker.config key 'brokerName' is set by the operator and"
                                            + " cannot be overridden"));
            assertThat(eventReasons(client, seen)).containsExactly("InvalidSpec");
        });
        assertThat(owned("ns2", "bad")).isEmpty();

        harness.edit("ns2", "bad", c -> {
            c.getSpec().getBroker().getConfig().clear();
            c.getSpec().getBroker().setReplicasPerGroup(2);
            return c;
        });
        WorkloadSimulator sim = harness.simulator("ns2");
        sim.settleUntil(() -> {
            RocketCluster seen = harness.get("ns2", "bad");
            assertCondition(seen, "Ready", "True", "ClusterReady");
            assertThat(seen.getStatus().getObservedGeneration()).isEqualTo(2L);
        });
    }

    @Test
    void deletionLeavesClaimsToDeleteClaimAndEverythingElseToOwnerReferences() {
        harness.create(OperatorHarness.cluster("ns3", "keep", 1));
        WorkloadSimulator sim = harness.simulator("ns3");
        sim.settleUntil(() -> {
            assertCondition(harness.get("ns3", "keep"), "Ready", "True", "ClusterReady");
            assertThat(claims("ns3")).hasSize(2);
        });
        String uid = harness.get("ns3", "keep").getMetadata().getUid();
        assertThat(claims("ns3"))
                .allSatisfy(c -> assertThat(c.getMetadata().getOwnerReferences())
                        .noneMatch(r -> r.getUid().equals(uid)));
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace("ns3")
                        .withName("keep-broker-0")
                        .get()
                        .getSpec()
                        .getPersistentVolumeClaimRetentionPolicy()
                        .getWhenDeleted())
                .isEqualTo("Retain");

        harness.edit("ns3", "keep", c -> {
            c.getSpec().getBroker().getStorage().setDeleteClaim(true);
            return c;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(claims("ns3"))
                    .allSatisfy(c -> assertThat(c.getMetadata().getOwnerReferences())
                            .anyMatch(r -> r.getUid().equals(uid) && r.getKind().equals("RocketCluster")));
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("ns3")
                            .withName("keep-broker-0")
                            .get()
                            .getSpec()
                            .getPersistentVolumeClaimRetentionPolicy()
                            .getWhenDeleted())
                    .isEqualTo("Delete");
        });

        // The mock has no garbage collector: deleting the cluster deletes nothing by itself, and the
        // owner references are what a real API server follows.
        client.resources(RocketCluster.class)
                .inNamespace("ns3")
                .withName("keep")
                .delete();
        await().atMost(WAIT).until(() -> harness.get("ns3", "keep") == null);
        assertThat(owned("ns3", "keep"))
                .isNotEmpty()
                .allSatisfy(o -> assertThat(o.getMetadata().getOwnerReferences())
                        .anyMatch(r -> r.getUid().equals(uid)));
    }

    @Test
    void anExceptionDuringAReconcileIsDegradedWithAnEventNotAStaleReady() {
        harness.create(OperatorHarness.cluster("ns5", "buggy", 1));
        WorkloadSimulator sim = harness.simulator("ns5");
        sim.settleUntilReady("buggy");
        harness.admin.setBug(new IllegalStateException("boom in the admin path"));
        // A spec change makes the next reconcile come now; a settled cluster would wait for its resync
        // interval (30 s), as long as this test's whole wait.
        harness.edit("ns5", "buggy", c -> {
            c.getSpec().getNameServer().setReplicas(3);
            return c;
        });
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster seen = harness.get("ns5", "buggy");
            assertCondition(seen, "Ready", "False", "ReconcileFailed");
            assertCondition(seen, "Degraded", "True", "ReconcileFailed");
            assertThat(condition(seen, "Degraded").getMessage())
                    .isEqualTo("reconcile failed: IllegalStateException: boom in the admin path");
            assertThat(eventReasons(client, seen)).contains("ReconcileFailed");
        });
        harness.admin.setBug(null);
        sim.settleUntil(() -> {
            assertCondition(harness.get("ns5", "buggy"), "Ready", "True", "ClusterReady");
            assertCondition(harness.get("ns5", "buggy"), "Degraded", "False", "AsExpected");
        });
    }

    @Test
    void pausedClusterIsLeftAlone() {
        harness.create(OperatorHarness.cluster("ns4", "calm", 1));
        WorkloadSimulator sim = harness.simulator("ns4");
        sim.settleUntilReady("calm");
        harness.edit("ns4", "calm", c -> {
            c.getMetadata().getAnnotations().put(RocketCluster.PAUSE_ANNOTATION, "true");
            c.getSpec().getNameServer().setReplicas(4);
            return c;
        });
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertCondition(harness.get("ns4", "calm"), "Progressing", "False", "ReconciliationPaused"));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("ns4")
                        .withName("calm-namesrv")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);

        harness.edit("ns4", "calm", c -> {
            c.getMetadata().getAnnotations().remove(RocketCluster.PAUSE_ANNOTATION);
            return c;
        });
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(client.apps()
                                .deployments()
                                .inNamespace("ns4")
                                .withName("calm-namesrv")
                                .get()
                                .getSpec()
                                .getReplicas())
                        .isEqualTo(4));
    }

    private List<HasMetadata> owned(String namespace, String cluster) {
        String selector = "app.kubernetes.io/instance";
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(selector, cluster)
                .list()
                .getItems());
        all.addAll(client.services()
                .inNamespace(namespace)
                .withLabel(selector, cluster)
                .list()
                .getItems());
        all.addAll(client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .withLabel(selector, cluster)
                .list()
                .getItems());
        all.addAll(client.configMaps()
                .inNamespace(namespace)
                .withLabel(selector, cluster)
                .list()
                .getItems());
        all.addAll(client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .withLabel(selector, cluster)
                .list()
                .getItems());
        return all;
    }

    private List<PersistentVolumeClaim> claims(String namespace) {
        return client.persistentVolumeClaims().inNamespace(namespace).list().getItems();
    }

    private static Map<String, String> versions(List<HasMetadata> objects) {
        Map<String, String> versions = new java.util.TreeMap<>();
        objects.forEach(o -> versions.put(
                o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return versions;
    }
}
