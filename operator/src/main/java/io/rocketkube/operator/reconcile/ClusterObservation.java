package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.model.Names;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The cluster's objects as the informers last saw them. Read once at the start of a
 * reconciliation, so every step decides on the same snapshot.
 */
public record ClusterObservation(
        Optional<Deployment> nameServers,
        Map<String, Service> services,
        Map<String, PodDisruptionBudget> budgets,
        Optional<ConfigMap> brokerConfig,
        Map<Integer, StatefulSet> groups,
        List<Pod> nameServerPods,
        Map<String, List<Pod>> brokerPods,
        List<PersistentVolumeClaim> claims,
        Optional<ConfigMap> nameServerKv) {

    public static ClusterObservation of(RocketCluster cluster, Context<RocketCluster> context) {
        Map<Integer, StatefulSet> groups = new TreeMap<>();
        for (StatefulSet sts : context.getSecondaryResources(StatefulSet.class)) {
            int ordinal = Names.groupOrdinal(cluster, sts.getMetadata().getName());
            if (ordinal >= 0) {
                groups.put(ordinal, sts);
            }
        }
        List<Pod> pods = new ArrayList<>(context.getSecondaryResources(Pod.class));
        pods.sort(Comparator.comparing(p -> p.getMetadata().getName()));
        List<Pod> nameServerPods = pods.stream()
                .filter(p -> Labels.NAMESRV.equals(label(p, Labels.COMPONENT)))
                .toList();
        Map<String, List<Pod>> brokerPods = pods.stream()
                .filter(p -> label(p, Labels.BROKER_GROUP) != null)
                .collect(Collectors.groupingBy(p -> label(p, Labels.BROKER_GROUP), TreeMap::new, Collectors.toList()));
        return new ClusterObservation(
                context.getSecondaryResources(Deployment.class).stream()
                        .filter(d -> d.getMetadata().getName().equals(Names.nameServer(cluster)))
                        .findFirst(),
                byName(context.getSecondaryResources(Service.class)),
                byName(context.getSecondaryResources(PodDisruptionBudget.class)),
                context.getSecondaryResources(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(Names.brokerConfig(cluster)))
                        .findFirst(),
                groups,
                nameServerPods,
                brokerPods,
                List.copyOf(context.getSecondaryResources(PersistentVolumeClaim.class)),
                context.getSecondaryResources(ConfigMap.class).stream()
                        .filter(c -> c.getMetadata().getName().equals(Names.nameServerKv(cluster)))
                        .findFirst());
    }

    public List<Pod> podsOf(String group) {
        return brokerPods.getOrDefault(group, List.of());
    }

    public List<PersistentVolumeClaim> claimsOf(String group) {
        return claims.stream()
                .filter(c -> group.equals(label(c, Labels.BROKER_GROUP)))
                .toList();
    }

    static String label(HasMetadata object, String key) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }

    private static <T extends HasMetadata> Map<String, T> byName(java.util.Collection<T> objects) {
        return objects.stream()
                .collect(Collectors.toMap(
                        o -> o.getMetadata().getName(), Function.identity(), (a, b) -> a, TreeMap::new));
    }
}
