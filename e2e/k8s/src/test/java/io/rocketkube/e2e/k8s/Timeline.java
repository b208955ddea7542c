package io.rocketkube.e2e.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the time from {@code kubectl apply} to Ready went, read back from the store: when each
 * owned object was created (the mock stamps whole seconds), and per pod when the kubelet took it
 * (status.startTime), when its process started (containerStatuses[0].state.running.startedAt) and
 * when it turned Ready (the Ready condition's lastTransitionTime), each relative to the apply.
 */
final class Timeline {

    private Timeline() {}

    static String of(ClusterStandIn cluster, String namespace, Instant applied) {
        List<String> lines = new ArrayList<>();
        Stream.of(
                        cluster.client()
                                .apps()
                                .deployments()
                                .inNamespace(namespace)
                                .list()
                                .getItems(),
                        cluster.client()
                                .apps()
                                .statefulSets()
                                .inNamespace(namespace)
                                .list()
                                .getItems(),
                        cluster.client()
                                .services()
                                .inNamespace(namespace)
                                .list()
                                .getItems())
                .flatMap(List::stream)
                .sorted(Comparator.comparing(o -> o.getMetadata().getCreationTimestamp()))
                .forEach(o -> lines.add(String.format(
                        "  %-12s %-32s created %s",
                        o.getKind(), o.getMetadata().getName(), since(applied, created(o)))));
        cluster.client().pods().inNamespace(namespace).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(p -> lines.add(String.format(
                        "  %-12s %-32s taken %s, process %s, Ready %s",
                        "Pod",
                        p.getMetadata().getName(),
                        since(applied, p.getStatus().getStartTime()),
                        since(applied, startedAt(p)),
                        since(applied, readyAt(p)))));
        return String.join("\n", lines);
    }

    private static String created(HasMetadata o) {
        return o.getMetadata().getCreationTimestamp();
    }

    private static String startedAt(Pod pod) {
        var statuses = pod.getStatus().getContainerStatuses();
        if (statuses == null
                || statuses.isEmpty()
                || statuses.get(0).getState() == null
                || statuses.get(0).getState().getRunning() == null) {
            return null;
        }
        return statuses.get(0).getState().getRunning().getStartedAt();
    }

    private static String readyAt(Pod pod) {
        return pod.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))
                .map(PodCondition::getLastTransitionTime)
                .findFirst()
                .orElse(null);
    }

    private static String since(Instant applied, String timestamp) {
        if (timestamp == null) {
            return "-";
        }
        long millis = Duration.between(applied, Instant.parse(timestamp)).toMillis();
        return String.format("%+d ms", millis);
    }
}
