package io.rocketkube.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.List;

/** Small readers of a cluster's status and events for controller tests. */
public final class ClusterAssertions {

    private ClusterAssertions() {}

    public static Condition condition(RocketCluster cluster, String type) {
        assertThat(cluster.getStatus())
                .as("status of " + cluster.getMetadata().getName())
                .isNotNull();
        return cluster.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no condition " + type));
    }

    public static void assertCondition(RocketCluster cluster, String type, String status, String reason) {
        Condition c = condition(cluster, type);
        assertThat(c.getStatus()).as(type + " (" + c.getMessage() + ")").isEqualTo(status);
        assertThat(c.getReason()).as(type + " reason (" + c.getMessage() + ")").isEqualTo(reason);
        assertThat(c.getObservedGeneration())
                .as(type + " observedGeneration")
                .isEqualTo(cluster.getMetadata().getGeneration());
    }

    /** Event reasons recorded on the cluster, oldest first. */
    public static List<String> eventReasons(KubernetesClient client, RocketCluster cluster) {
        return events(client, cluster).stream().map(Event::getReason).toList();
    }

    public static List<Event> events(KubernetesClient client, RocketCluster cluster) {
        return client.v1().events().inNamespace(cluster.getMetadata().getNamespace()).list().getItems().stream()
                .filter(e -> cluster.getMetadata()
                        .getName()
                        .equals(e.getInvolvedObject().getName()))
                .sorted(java.util.Comparator.comparing(e -> e.getMetadata().getCreationTimestamp() == null
                        ? ""
                        : e.getMetadata().getCreationTimestamp()))
                .toList();
    }
}
