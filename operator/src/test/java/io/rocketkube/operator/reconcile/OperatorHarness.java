package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterSpec;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.testing.FakeBrokerAdmin;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * A plain JOSDK operator running our reconciler against fabric8's CRUD mock, with server-side
 * apply off as in production, a fake broker admin and a hand-moved clock.
 */
public final class OperatorHarness implements AutoCloseable {

    public static final String CRD = "META-INF/fabric8/rocketclusters.rocketkube.io-v1.yml";

    public final KubernetesClient client;
    public final FakeBrokerAdmin admin = new FakeBrokerAdmin();
    public final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Operator operator;

    public OperatorHarness(KubernetesClient client) {
        this(client, OperatorSettings.load(Map.of("busy-interval", "200ms")));
    }

    public OperatorHarness(KubernetesClient client, OperatorSettings settings) {
        this(client, settings, null);
    }

    /** With {@code election} set, this operator reconciles only while it holds the Lease. */
    public OperatorHarness(KubernetesClient client, OperatorSettings settings, LeaderElectionConfiguration election) {
        this.client = client;
        installCrd(client);
        operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withSSABasedCreateUpdateMatchForDependentResources(false)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(4);
            if (election != null) {
                o.withLeaderElectionConfiguration(election);
            }
        });
        operator.register(new RocketClusterReconciler(settings, admin, clock));
        operator.start();
    }

    /** The mock honours the status subresource only for CRDs it stores. */
    public static void installCrd(KubernetesClient client) {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(CRD)) {
            CustomResourceDefinition crd =
                    client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class);
            if (client.apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .withName(crd.getMetadata().getName())
                            .get()
                    == null) {
                client.apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .resource(crd)
                        .create();
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + CRD, e);
        }
    }

    public WorkloadSimulator simulator(String namespace) {
        return new WorkloadSimulator(client, namespace, admin);
    }

    /** A small valid cluster: 2 NameServers, the given groups of master plus one slave. */
    public static RocketCluster cluster(String namespace, String name, int groups) {
        RocketCluster cluster = new RocketCluster();
        cluster.getMetadata().setName(name);
        cluster.getMetadata().setNamespace(namespace);
        RocketClusterSpec spec = new RocketClusterSpec();
        spec.setVersion("0.1.0");
        spec.getBroker().setGroups(groups);
        spec.getBroker().getStorage().setSize("1Gi");
        cluster.setSpec(spec);
        return cluster;
    }

    public RocketCluster create(RocketCluster cluster) {
        return client.resources(RocketCluster.class)
                .inNamespace(cluster.getMetadata().getNamespace())
                .resource(cluster)
                .create();
    }

    public RocketCluster get(String namespace, String name) {
        return client.resources(RocketCluster.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /**
     * Edits the cluster as a user would, retrying when the operator's status write got there first
     * (an edit is a read-modify-write guarded by resourceVersion).
     */
    public void edit(String namespace, String name, java.util.function.UnaryOperator<RocketCluster> change) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try {
                client.resources(RocketCluster.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .edit(change);
                return true;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() == 409) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** The running JOSDK operator, for health checks. */
    public Operator operator() {
        return operator;
    }

    @Override
    public void close() {
        operator.stop();
    }
}
