package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.TopicBacklog;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class ScaleTest {

    private static final Duration ROUTE_REFRESH = Duration.ofSeconds(30);
    private static final String NS = "scale";
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

    private void createReady(int groups, boolean deleteClaim) {
        RocketCluster cluster = OperatorHarness.cluster(NS, "alpha", groups);
        cluster.getSpec().getBroker().getStorage().setDeleteClaim(deleteClaim);
        cluster.getSpec().getBroker().setDrainTimeoutSeconds(600);
        harness.create(cluster);
        sim.settleUntilReady("alpha");
    }

    /** What {@code kubectl scale rocketcluster alpha --replicas=N} changes. */
    private void scale(int groups) {
        client.resources(RocketCluster.class)
                .inNamespace(NS)
                .withName("alpha")
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        client.getKubernetesSerialization()
                                .asJson(Map.of("spec", Map.of("broker", Map.of("groups", groups)))));
    }

    /** Scales in, waits until the leaving groups' writes are stopped, then lets routes expire. */
    private void scaleInPastTheRouteRefresh(int groups) {
        scale(groups);
        sim.settleUntil(() -> {
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "WaitingForRouteRefresh");
        });
        harness.clock.advance(ROUTE_REFRESH);
    }

    @Test
    void newGroupsBecomeReadyOnceRegistered() {
        createReady(1, false);
        harness.admin.neverRegister("alpha-broker-1");
        scale(2);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Ready", "False", "BrokerGroupsNotReady");
            assertCondition(cluster, "Progressing", "True", "ScalingOut");
            assertThat(cluster.getStatus().getGroupsReady()).isEqualTo("1/2");
            assertThat(cluster.getStatus().getBrokerGroups())
                    .filteredOn(g -> g.getName().equals("alpha-broker-1"))
                    .singleElement()
                    .satisfies(g -> {
                        assertThat(g.isMasterReady()).isTrue();
                        assertThat(g.isRegistered()).isFalse();
                    });
        });
        harness.admin.allowRegister("alpha-broker-1");
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertThat(cluster.getStatus().getGroups()).isEqualTo(2);
        });
    }

    @Test
    void scaleInIsBlockedWhileMessagesRemainAndProceedsAtZero() {
        createReady(2, true);
        harness.admin.setUnconsumed("alpha-broker-1", 42);
        scale(1);
        sim.settleUntil(() -> {
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "WaitingForRouteRefresh");
        });
        harness.clock.advance(ROUTE_REFRESH);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "True", "MessagesRemaining");
            assertThat(condition(cluster, "ScaleDownBlocked").getMessage())
                    .startsWith("alpha-broker-1 still holds 42 unconsumed messages")
                    .contains("rocketkube.io/force-scale-down=true");
            assertCondition(cluster, "Progressing", "True", "ScalingIn");
            assertThat(cluster.getStatus().getGroups()).isEqualTo(2);
            assertThat(cluster.getStatus().getBrokerGroups())
                    .filteredOn(g -> g.getName().equals("alpha-broker-1"))
                    .singleElement()
                    .satisfies(g -> {
                        assertThat(g.getPhase()).isEqualTo("Draining");
                        assertThat(g.getRemainingMessages()).isEqualTo(42L);
                        assertThat(g.getDrainStartedAt()).isEqualTo("2026-01-01T00:00:00Z");
                    });
        });
        assertThat(harness.admin.calls()).contains("wipe:alpha-broker-1").doesNotContain("wipe:alpha-broker-0");
        assertThat(harness.admin.calls())
                .as("writes stopped at the leaving master itself")
                .anyMatch(c -> c.startsWith("stop:"));
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNotNull();

        harness.admin.setUnconsumed("alpha-broker-1", 0);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "False", "NotBlocked");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertThat(cluster.getStatus().getGroups()).isEqualTo(1);
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("alpha-broker-1")
                            .get())
                    .isNull();
            assertThat(client.services()
                            .inNamespace(NS)
                            .withName("alpha-broker-1")
                            .get())
                    .isNull();
            assertThat(client.policy()
                            .v1()
                            .podDisruptionBudget()
                            .inNamespace(NS)
                            .withName("alpha-broker-1")
                            .get())
                    .isNull();
            assertThat(client.persistentVolumeClaims().inNamespace(NS).list().getItems())
                    .extracting(c -> c.getMetadata().getName())
                    .containsExactlyInAnyOrder("store-alpha-broker-0-0", "store-alpha-broker-0-1");
        });
        assertThat(eventReasons(client, harness.get(NS, "alpha")))
                .containsSubsequence("ScaleInDraining", "ScaleInCompleted");
    }

    @Test
    void anEmptyGroupIsJudgedOnlyOneRouteRefreshAfterItsWritesStopped() {
        createReady(2, false);
        scale(1);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "True", "WaitingForRouteRefresh");
            assertThat(condition(cluster, "ScaleDownBlocked").getMessage())
                    .contains("writes stopped at 2026-01-01T00:00:00Z")
                    .contains("until 2026-01-01T00:00:30Z");
            assertThat(cluster.getStatus().getBrokerGroups())
                    .filteredOn(g -> g.getName().equals("alpha-broker-1"))
                    .singleElement()
                    .satisfies(g -> assertThat(g.getWritesStoppedAt()).isEqualTo("2026-01-01T00:00:00Z"));
        });
        harness.clock.advance(ROUTE_REFRESH.minusSeconds(1));
        // Several passes at 200 ms: none may judge the group before the routes expired.
        sim.settleUntil(Duration.ofSeconds(1), () -> {
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "WaitingForRouteRefresh");
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNotNull();
        harness.clock.advance(Duration.ofSeconds(1));
        sim.settleUntil(() -> {
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("alpha-broker-1")
                            .get())
                    .isNull();
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "False", "NotBlocked");
        });
    }

    @Test
    void theDrainTimeoutNeverDeletesAGroupWithMessages() {
        createReady(2, false);
        harness.admin.setUnconsumed("alpha-broker-1", 7);
        scaleInPastTheRouteRefresh(1);
        sim.settleUntil(() -> {
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "MessagesRemaining");
        });
        harness.clock.advance(Duration.ofSeconds(601));
        sim.settleUntil(Duration.ofSeconds(1), () -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "True", "MessagesRemaining");
            assertThat(condition(cluster, "ScaleDownBlocked").getMessage())
                    .startsWith("alpha-broker-1 still holds 7 unconsumed messages {T=7}")
                    .contains("overdue: the drain timeout of 600 s passed at 2026-01-01T00:10:00Z");
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNotNull();
        assertThat(eventReasons(client, harness.get(NS, "alpha")))
                .doesNotContain("ScaleInTimedOut", "ScaleInCompleted", "ScaleInForced");
    }

    @Test
    void anUnknownBacklogKeepsTheGroupPastTheTimeout() {
        createReady(2, false);
        harness.admin.setBacklogUnknown("alpha-broker-1", true);
        scaleInPastTheRouteRefresh(1);
        harness.clock.advance(Duration.ofSeconds(601));
        sim.settleUntil(Duration.ofSeconds(1), () -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "True", "LagUnknown");
            assertThat(condition(cluster, "ScaleDownBlocked").getMessage())
                    .contains("request type 43 not supported")
                    .contains("overdue");
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNotNull();
    }

    @Test
    void aTopicWithMessagesAndNoConsumerBlocksUntilForcedAndTheForceIsConsumedOnce() {
        createReady(3, false);
        harness.admin.setBacklog(
                "alpha-broker-2",
                List.of(new TopicBacklog("ORPHAN", Map.of(0, new TopicBacklog.QueueRange(0, 5)), Map.of())));
        scaleInPastTheRouteRefresh(2);
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "ScaleDownBlocked", "True", "TopicWithoutConsumer");
            assertThat(condition(cluster, "ScaleDownBlocked").getMessage())
                    .startsWith("alpha-broker-2 has topics with messages and no consumer group {ORPHAN=5}");
        });
        harness.edit(NS, "alpha", c -> {
            c.getMetadata().getAnnotations().put(RocketCluster.FORCE_SCALE_DOWN_ANNOTATION, "true");
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("alpha-broker-2")
                            .get())
                    .isNull();
            assertCondition(cluster, "ScaleDownBlocked", "False", "NotBlocked");
            assertThat(java.util.Optional.ofNullable(cluster.getMetadata().getAnnotations())
                            .orElse(Map.of()))
                    .as("the force annotation is consumed by the scale-in it forced")
                    .doesNotContainKey(RocketCluster.FORCE_SCALE_DOWN_ANNOTATION);
        });
        // The next scale-in drains again.
        harness.admin.setUnconsumed("alpha-broker-1", 3);
        scaleInPastTheRouteRefresh(1);
        sim.settleUntil(Duration.ofSeconds(1), () -> {
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "MessagesRemaining");
        });
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNotNull();
    }

    @Test
    void theForceAnnotationDeletesAtOnceAndAReturningGroupGetsWritesBack() {
        createReady(3, false);
        harness.admin.setUnconsumed("alpha-broker-2", 100);
        harness.admin.setUnconsumed("alpha-broker-1", 100);
        scaleInPastTheRouteRefresh(1);
        sim.settleUntil(() -> {
            assertThat(harness.admin.calls()).contains("wipe:alpha-broker-1", "wipe:alpha-broker-2");
            assertCondition(harness.get(NS, "alpha"), "ScaleDownBlocked", "True", "MessagesRemaining");
        });
        scale(2);
        sim.settleUntil(() -> {
            assertThat(harness.admin.calls()).contains("add:alpha-broker-1").anyMatch(c -> c.startsWith("restore:"));
            assertThat(harness.get(NS, "alpha").getStatus().getBrokerGroups())
                    .extracting(g -> g.getName() + ":" + g.getPhase())
                    .containsExactly("alpha-broker-0:Running", "alpha-broker-1:Running", "alpha-broker-2:Draining");
        });
        harness.edit(NS, "alpha", c -> {
            c.getMetadata().getAnnotations().put(RocketCluster.FORCE_SCALE_DOWN_ANNOTATION, "true");
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace(NS)
                            .withName("alpha-broker-2")
                            .get())
                    .isNull();
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "ScaleDownBlocked", "False", "NotBlocked");
            assertThat(cluster.getStatus().getGroups()).isEqualTo(2);
        });
        assertThat(eventReasons(client, harness.get(NS, "alpha"))).contains("ScaleInCancelled", "ScaleInForced");
    }

    @Test
    void aGroupScaledInOnKeptClaimsAndOutAgainGetsWritesBack() {
        createReady(2, false);
        scaleInPastTheRouteRefresh(1);
        sim.settleUntil(() -> assertThat(client.apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName("alpha-broker-1")
                        .get())
                .isNull());
        // The drained master persisted its read-only permission on this claim, which is kept.
        assertThat(WriteStopMarks.of(client, NS, "alpha-broker-1-0")).isNotNull();
        int before = harness.admin.calls().size();

        scale(2);
        // Longer than settleUntil's 30 s: after a group leaves the status, the mock leaves a status JSON
        // patch computed from the informer's older copy unanswered for its 10 s client timeout (a real API
        // server refuses it at once), and that can happen several times here.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            sim.settle();
            assertCondition(harness.get(NS, "alpha"), "Ready", "True", "ClusterReady");
            assertThat(harness.admin
                            .calls()
                            .subList(before, harness.admin.calls().size()))
                    .anyMatch(c -> c.startsWith("restore:"))
                    .contains("add:alpha-broker-1");
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-1-0")).isNull();
        });
    }
}
