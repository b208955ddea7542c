package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * The Deployment controller, without ReplicaSets: Pods {@code <deployment>-<template hash>-<5
 * random>} labelled {@code pod-template-hash}, owned by the Deployment itself.
 *
 * <ul>
 *   <li>RollingUpdate (default): new pods are created while the total stays within replicas +
 *       maxSurge; an old pod is deleted while the available pods (Ready for minReadySeconds) stay
 *       at least replicas − maxUnavailable; one deletion per sync. Recreate: all old pods go
 *       first, then the new ones are created.
 *   <li>Scale-in removes not-ready pods first, then the newest.
 *   <li>Garbage collection: pods owned by a Deployment that no longer exists are deleted.
 * </ul>
 */
final class DeploymentController {

    private static final Logger LOG = Logger.getLogger(DeploymentController.class.getName());
    static final String HASH = "pod-template-hash";
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final KubernetesClient client;
    private final Map<String, Instant> readySince = new HashMap<>();

    DeploymentController(KubernetesClient client) {
        this.client = client;
    }

    void sync(List<Deployment> deployments, List<Pod> pods, Map<String, Boolean> ready) {
        Map<String, Deployment> byUid = new HashMap<>();
        Instant now = Instant.now();
        pods.forEach(p -> {
            if (Revisions.isReady(p, ready)) {
                readySince.putIfAbsent(p.getMetadata().getUid(), now);
            } else {
                readySince.remove(p.getMetadata().getUid());
            }
        });
        for (Deployment deployment : deployments) {
            byUid.put(deployment.getMetadata().getUid(), deployment);
            try {
                syncOne(deployment, pods, ready, now);
            } catch (RuntimeException e) {
                LOG.warning("Deployment " + deployment.getMetadata().getName() + ": " + e.getMessage());
            }
        }
        for (Pod pod : pods) {
            var refs = pod.getMetadata().getOwnerReferences();
            String owner = refs == null
                    ? null
                    : refs.stream()
                            .filter(r -> "Deployment".equals(r.getKind()))
                            .map(r -> r.getUid())
                            .findFirst()
                            .orElse(null);
            if (owner != null && !byUid.containsKey(owner)) {
                delete(pod, "its Deployment is gone");
            }
        }
        readySince
                .keySet()
                .retainAll(pods.stream().map(p -> p.getMetadata().getUid()).toList());
    }

    private void syncOne(Deployment deployment, List<Pod> allPods, Map<String, Boolean> ready, Instant now) {
        String namespace = deployment.getMetadata().getNamespace();
        int replicas = deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        String hash = Revisions.hash(deployment.getSpec().getTemplate());
        int minReadySeconds = deployment.getSpec().getMinReadySeconds() == null
                ? 0
                : deployment.getSpec().getMinReadySeconds();
        List<Pod> current = new ArrayList<>();
        List<Pod> old = new ArrayList<>();
        for (Pod pod : allPods) {
            if (namespace.equals(pod.getMetadata().getNamespace()) && Revisions.ownedBy(pod, deployment)) {
                (hash.equals(pod.getMetadata().getLabels().get(HASH)) ? current : old).add(pod);
            }
        }
        int available = (int) java.util.stream.Stream.concat(current.stream(), old.stream())
                .filter(p -> available(p, minReadySeconds, now))
                .count();
        boolean recreate = deployment.getSpec().getStrategy() != null
                && "Recreate".equals(deployment.getSpec().getStrategy().getType());
        int surge = recreate ? 0 : amount(rolling(deployment, true), replicas, true, 1);
        int unavailable = recreate ? replicas : amount(rolling(deployment, false), replicas, false, 1);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        int total = current.size() + old.size();
        if (recreate && !old.isEmpty()) {
            old.forEach(p -> delete(p, "Recreate"));
        } else {
            for (int i = current.size(); i < replicas && total < replicas + surge; i++) {
                create(deployment, hash);
                total++;
            }
        }
        if (!old.isEmpty() && !recreate && available - 1 >= replicas - unavailable) {
            old.sort(readyLast(ready));
            delete(old.get(0), "rolling update");
        } else if (!old.isEmpty()
                && !recreate
                && old.stream().noneMatch(p -> Revisions.isReady(p, ready))
                && total > replicas) {
            delete(old.get(0), "rolling update (old pod not ready)");
        }
        if (current.size() > replicas) {
            current.sort(readyLast(ready)
                    .thenComparing((Pod p) -> p.getMetadata().getCreationTimestamp(), Comparator.reverseOrder()));
            for (Pod pod : current.subList(0, current.size() - replicas)) {
                delete(pod, "scale-in");
            }
        }
        int readyCount = (int) java.util.stream.Stream.concat(current.stream(), old.stream())
                .filter(p -> Revisions.isReady(p, ready))
                .count();
        int updatedReady =
                (int) current.stream().filter(p -> Revisions.isReady(p, ready)).count();
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(current.size() + old.size())
                .withUpdatedReplicas(current.size())
                .withReadyReplicas(readyCount)
                .withAvailableReplicas(available)
                .withUnavailableReplicas(Math.max(0, replicas - available))
                .addNewCondition()
                .withType("Available")
                .withStatus(available >= replicas - unavailable ? "True" : "False")
                .withReason(
                        available >= replicas - unavailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                .endCondition()
                .addNewCondition()
                .withType("Progressing")
                .withStatus("True")
                .withReason(updatedReady == replicas && old.isEmpty() ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")
                .endCondition()
                .build();
        if (!status.equals(deployment.getStatus())) {
            StatusPatch.replace(
                    client.apps()
                            .deployments()
                            .inNamespace(namespace)
                            .withName(deployment.getMetadata().getName()),
                    status);
        }
    }

    private boolean available(Pod pod, int minReadySeconds, Instant now) {
        Instant since = readySince.get(pod.getMetadata().getUid());
        return since != null && !since.plus(Duration.ofSeconds(minReadySeconds)).isAfter(now);
    }

    private static Comparator<Pod> readyLast(Map<String, Boolean> ready) {
        return Comparator.comparing((Pod p) -> Revisions.isReady(p, ready));
    }

    private static IntOrString rolling(Deployment deployment, boolean surge) {
        var strategy = deployment.getSpec().getStrategy();
        if (strategy == null || strategy.getRollingUpdate() == null) {
            return null;
        }
        return surge
                ? strategy.getRollingUpdate().getMaxSurge()
                : strategy.getRollingUpdate().getMaxUnavailable();
    }

    /** An absolute or percentage amount; surge rounds up and unavailability down, as Kubernetes. */
    private static int amount(IntOrString value, int replicas, boolean roundUp, int fallback) {
        if (value == null) {
            return Math.max(fallback, (int) (roundUp ? Math.ceil(replicas * 0.25) : Math.floor(replicas * 0.25)));
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        double percent = Double.parseDouble(value.getStrVal().replace("%", "")) / 100.0;
        return (int) (roundUp ? Math.ceil(replicas * percent) : Math.floor(replicas * percent));
    }

    private void create(Deployment deployment, String hash) {
        String namespace = deployment.getMetadata().getNamespace();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            suffix.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        String name = deployment.getMetadata().getName() + "-" + hash + "-" + suffix;
        Map<String, String> labels = new LinkedHashMap<>();
        if (deployment.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(deployment.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(HASH, hash);
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(
                        deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .withOwnerReferences(Revisions.controllerRef(deployment))
                .endMetadata()
                .withSpec(Serialization.clone(deployment.getSpec().getTemplate().getSpec()))
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        LOG.info(() -> "Deployment " + deployment.getMetadata().getName() + ": created pod " + name);
    }

    private void delete(Pod pod, String why) {
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .delete();
        LOG.info(() -> "deleted pod " + pod.getMetadata().getName() + " (" + why + ")");
    }
}
