package io.rocketkube.operator.reconcile;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static io.rocketkube.operator.testing.ClusterAssertions.condition;
import static io.rocketkube.operator.testing.ClusterAssertions.eventReasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class RollingUpdateTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "roll";
    KubernetesClient client;
    private OperatorHarness harness;
    private WorkloadSimulator sim;

    @BeforeEach
    void start() {
        harness = new OperatorHarness(client);
        sim = harness.simulator(NS);
        harness.create(OperatorHarness.cluster(NS, "alpha", 2));
        sim.settleUntilReady("alpha");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aSpecChangeRollsSlavesBeforeMastersOneGroupAtATime() {
        harness.admin.setLag("alpha-broker-0", 64L * 1024 * 1024);
        edit(c -> {
            c.getSpec().setVersion("0.2.0");
            return c;
        });

        // The slave of the first group goes first; its master waits while the slave is behind.
        sim.settleUntil(() -> {
            assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Progressing", "True", "RollingBrokers");
            assertThat(condition(cluster, "Progressing").getMessage())
                    .contains("slaves of alpha-broker-0 to catch up: 67108864 bytes behind");
            assertThat(cluster.getStatus().getObservedGeneration()).isEqualTo(2L);
        });
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("alpha-namesrv")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .endsWith("rocketkube-namesrv:0.2.0");

        harness.admin.setLag("alpha-broker-0", 0);
        await().atMost(WAIT).untilAsserted(() -> {
            passRouteRefresh();
            sim.settle();
            assertThat(brokerRestarts())
                    .containsExactly("alpha-broker-0-1", "alpha-broker-0-0", "alpha-broker-1-1", "alpha-broker-1-0");
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Progressing", "False", "Reconciled");
        });
        assertThat(client.pods()
                        .inNamespace(NS)
                        .withLabel("app.kubernetes.io/component", "broker")
                        .list()
                        .getItems())
                .hasSize(4)
                .allSatisfy(p -> assertThat(p.getSpec().getContainers().get(0).getImage())
                        .endsWith("rocketkube-broker:0.2.0"));
        assertThat(eventReasons(client, harness.get(NS, "alpha")))
                .containsSubsequence(
                        "RollingNameServers",
                        "RestartingSlave",
                        "RestartingMaster",
                        "RestartingSlave",
                        "RestartingMaster");
    }

    /**
     * A broker-only change (the NameServers do not roll): the operator deletes the first slave, and its
     * replacement, on the new configuration, crash-loops.
     */
    private void changeThatCrashLoopsTheFirstRestartedSlave(int restarts) {
        edit(c -> {
            c.getSpec().getBroker().getConfig().put("clientIdleTimeout", "90s");
            return c;
        });
        await().atMost(WAIT)
                .until(() -> client.pods()
                                .inNamespace(NS)
                                .withName("alpha-broker-0-1")
                                .get()
                        == null);
        sim.holdNotReady("alpha-broker-0-1");
        sim.settleUntil(() -> assertThat(client.pods()
                        .inNamespace(NS)
                        .withName("alpha-broker-0-1")
                        .get())
                .isNotNull());
        sim.crashLoop("alpha-broker-0-1", restarts);
    }

    @Test
    void aRestartedPodThatNeverGetsReadyEndsTheRollPastItsProgressDeadlineUntilItIsReady() {
        changeThatCrashLoopsTheFirstRestartedSlave(3);
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Progressing", "True", "RollingBrokers");
            assertThat(condition(cluster, "Progressing").getMessage())
                    .contains("waiting for every pod of alpha-broker-0 to be ready (1/2)")
                    .contains("CrashLoopBackOff");
        });

        harness.clock.advance(Duration.ofSeconds(601));
        await().atMost(WAIT).untilAsserted(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Progressing", "False", "ProgressDeadlineExceeded");
            assertThat(condition(cluster, "Progressing").getMessage())
                    .contains("progress deadline of 600 s")
                    .contains("alpha-broker-0-1: container broker CrashLoopBackOff, 3 restarts");
            assertCondition(cluster, "Degraded", "True", "ProgressDeadlineExceeded");
            assertThat(eventReasons(client, cluster)).containsOnlyOnce("ProgressDeadlineExceeded");
        });
        assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");

        // The pod recovers: the roll goes on, and the deadline clears.
        sim.makeReady("alpha-broker-0-1");
        await().atMost(WAIT).untilAsserted(() -> {
            passRouteRefresh();
            sim.settle();
            RocketCluster cluster = harness.get(NS, "alpha");
            assertThat(brokerRestarts()).hasSize(4);
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Progressing", "False", "Reconciled");
            assertCondition(cluster, "Degraded", "False", "AsExpected");
        });
    }

    @Test
    void revertingABadChangeReplacesThePodThatFailedOnIt() {
        changeThatCrashLoopsTheFirstRestartedSlave(2);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(condition(harness.get(NS, "alpha"), "Progressing")
                                .getMessage())
                        .contains("CrashLoopBackOff"));

        // The user takes the change back. The crash-looping slave now runs an outdated configuration; the
        // StatefulSet (OnDelete) would never replace it, and the roll's gates wait for it to be ready.
        edit(c -> {
            c.getSpec().getBroker().getConfig().remove("clientIdleTimeout");
            return c;
        });
        sim.settleUntil(() -> assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1", "alpha-broker-0-1"));
        sim.makeReady("alpha-broker-0-1");
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertCondition(cluster, "Progressing", "False", "Reconciled");
        });
        assertThat(brokerRestarts()).as("the master never ran the bad change").hasSize(2);
        assertThat(eventReasons(client, harness.get(NS, "alpha"))).contains("ReplacingFailedPod");
    }

    @Test
    void aMasterStopsTakingWritesForOneRouteRefreshBeforeItsRestartAndGetsThemBackAfter() {
        edit(c -> {
            c.getSpec().getBroker().getConfig().put("registerInterval", "20s");
            return c;
        });
        // The slave restarts; the master's writes are stopped and it waits for one route refresh.
        sim.settleUntil(() -> {
            assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");
            assertThat(harness.admin.calls())
                    .anyMatch(c -> c.startsWith("stop:"))
                    .contains("wipe:alpha-broker-0");
            assertThat(condition(harness.get(NS, "alpha"), "Progressing").getMessage())
                    .contains("writes of master alpha-broker-0-0 stopped at");
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNotNull();
        });
        sim.settle();
        assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");
        assertThat(harness.admin.calls()).noneMatch(c -> c.startsWith("restore:"));

        harness.clock.advance(Duration.ofSeconds(31));
        sim.settleUntil(() -> {
            assertThat(brokerRestarts()).startsWith("alpha-broker-0-1", "alpha-broker-0-0");
            assertThat(harness.admin.calls())
                    .anyMatch(c -> c.startsWith("restore:"))
                    .contains("add:alpha-broker-0");
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNull();
        });
        assertThat(eventReasons(client, harness.get(NS, "alpha")))
                .containsSubsequence(
                        "RestartingSlave", "StoppedMasterWrites", "RestartingMaster", "RestoredMasterWrites");
    }

    @Test
    void aMasterWhoseRollCannotGoOnGetsWritesBackWhilePausedOrInvalidAndIsStoppedAgainWhenItResumes() {
        edit(c -> {
            c.getSpec().getBroker().getConfig().put("registerInterval", "20s");
            return c;
        });
        sim.settleUntil(() ->
                assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNotNull());

        edit(c -> {
            c.getMetadata().getAnnotations().put(RocketCluster.PAUSE_ANNOTATION, "true");
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNull();
            assertThat(harness.admin.calls())
                    .anyMatch(c -> c.startsWith("restore:"))
                    .contains("add:alpha-broker-0");
        });
        passRouteRefresh();
        sim.settle();
        assertThat(brokerRestarts()).as("paused: the master is not restarted").containsExactly("alpha-broker-0-1");

        // Resumed: the roll stops the master's writes again; then the spec turns invalid before its restart.
        edit(c -> {
            c.getMetadata().getAnnotations().remove(RocketCluster.PAUSE_ANNOTATION);
            return c;
        });
        sim.settleUntil(() ->
                assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNotNull());
        long restoresBefore = restores();
        edit(c -> {
            c.getSpec().getBroker().getConfig().put("io-threads", "four");
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNull();
            assertThat(restores()).isGreaterThan(restoresBefore);
            assertCondition(harness.get(NS, "alpha"), "Progressing", "False", "InvalidSpec");
        });

        // Fixed: stopped once more, one whole route refresh, then restarted and given writes back.
        edit(c -> {
            c.getSpec().getBroker().getConfig().remove("io-threads");
            return c;
        });
        sim.settleUntil(() ->
                assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNotNull());
        sim.settle();
        assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");
        passRouteRefresh();
        sim.settleUntil(() -> {
            assertThat(brokerRestarts()).startsWith("alpha-broker-0-1", "alpha-broker-0-0");
            assertThat(WriteStopMarks.of(client, NS, "alpha-broker-0-0")).isNull();
            assertCondition(harness.get(NS, "alpha"), "Ready", "True", "ClusterReady");
        });
    }

    private long restores() {
        return harness.admin.calls().stream()
                .filter(c -> c.startsWith("restore:"))
                .count();
    }

    @Test
    void aRestartedSlaveMustBeReadyBeforeTheRollGoesOn() {
        sim.holdNotReady("alpha-broker-0-1");
        edit(c -> {
            c.getSpec().getBroker().getConfig().put("registerInterval", "20s");
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(brokerRestarts()).containsExactly("alpha-broker-0-1");
            assertThat(condition(harness.get(NS, "alpha"), "Progressing").getMessage())
                    .contains("waiting for every pod of alpha-broker-0 to be ready (1/2)");
        });
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alpha-broker-config")
                        .get()
                        .getData()
                        .get("application.properties"))
                .contains("rocketkube.broker.register-interval=20s");
        sim.makeReady("alpha-broker-0-1");
        await().atMost(WAIT).untilAsserted(() -> {
            passRouteRefresh();
            sim.settle();
            assertThat(brokerRestarts()).hasSize(4);
            assertCondition(harness.get(NS, "alpha"), "Ready", "True", "ClusterReady");
        });
    }

    @Test
    void scalingNameServersNeverRestartsABroker() {
        String hash = brokerHash();
        edit(c -> {
            c.getSpec().getNameServer().setReplicas(3);
            return c;
        });
        sim.settleUntil(() -> {
            RocketCluster cluster = harness.get(NS, "alpha");
            assertThat(cluster.getStatus().getNameServers()).isEqualTo("3/3");
            assertCondition(cluster, "Ready", "True", "ClusterReady");
        });
        assertThat(brokerHash()).isEqualTo(hash);
        assertThat(brokerRestarts()).isEmpty();
    }

    @Test
    void declaringKvConfigRewritesTheSeedAndRollsOnlyTheNameServers() {
        String brokers = brokerHash();
        String nameServers = nameServerHash();
        assertThat(client.configMaps()
                        .inNamespace(NS)
                        .withName("alpha-namesrv-kv")
                        .get()
                        .getData())
                .containsEntry("kv-seed.json", "{}");
        edit(c -> {
            c.getSpec()
                    .getNameServer()
                    .getKvConfig()
                    .put("ORDER_TOPIC_CONFIG", new java.util.HashMap<>(java.util.Map.of("T1", "alpha-broker-0:4")));
            return c;
        });
        sim.settleUntil(() -> {
            assertThat(client.configMaps()
                            .inNamespace(NS)
                            .withName("alpha-namesrv-kv")
                            .get()
                            .getData())
                    .containsEntry("kv-seed.json", "{\"ORDER_TOPIC_CONFIG\":{\"T1\":\"alpha-broker-0:4\"}}");
            assertThat(nameServerHash()).isNotEqualTo(nameServers);
            assertCondition(harness.get(NS, "alpha"), "Ready", "True", "ClusterReady");
        });
        assertThat(eventReasons(client, harness.get(NS, "alpha"))).contains("RollingNameServers");
        assertThat(brokerHash()).isEqualTo(brokers);
        assertThat(brokerRestarts()).isEmpty();
    }

    /** Lets any master whose writes were stopped restart: one route refresh passes. */
    private void passRouteRefresh() {
        harness.clock.advance(Duration.ofSeconds(31));
    }

    private String nameServerHash() {
        return client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("alpha-namesrv")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ConfigHash.ANNOTATION);
    }

    private void edit(UnaryOperator<RocketCluster> change) {
        harness.edit(NS, "alpha", change);
    }

    private List<String> brokerRestarts() {
        return sim.restarts().stream().filter(p -> p.contains("-broker-")).toList();
    }

    private String brokerHash() {
        return client.apps()
                .statefulSets()
                .inNamespace(NS)
                .withName("alpha-broker-0")
                .get()
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ConfigHash.ANNOTATION);
    }
}
