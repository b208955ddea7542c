package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * The StatefulSet controller: Pods {@code <sts>-<ordinal>} for ordinals below spec.replicas, each
 * with the claims of its volumeClaimTemplates ({@code <template>-<sts>-<ordinal>}, created before
 * the pod and kept across pod replacements).
 *
 * <ul>
 *   <li>podManagementPolicy OrderedReady (default): creates the lowest missing ordinal only once
 *       every lower one is Ready, removes the highest surplus one at a time; Parallel: all at once.
 *   <li>updateStrategy RollingUpdate (default): when every pod is Ready, deletes the highest
 *       ordinal at or above the partition whose revision is not the current template's; the
 *       replacement comes from the new template. OnDelete: only pods deleted by someone else are
 *       replaced (with the new template).
 *   <li>persistentVolumeClaimRetentionPolicy whenScaled/whenDeleted Delete removes the claims of
 *       surplus ordinals or of a deleted StatefulSet; Retain (default) keeps them.
 *   <li>Garbage collection: pods owned by a StatefulSet that no longer exists are deleted.
 * </ul>
 * A Pod name is reused only after the kubelet has stopped the previous Pod's process.
 */
final class StatefulSetController {

    private static final Logger LOG = Logger.getLogger(StatefulSetController.class.getName());
    static final String REVISION = "controller-revision-hash";

    private final KubernetesClient client;
    private final Kubelet kubelet;

    StatefulSetController(KubernetesClient client, Kubelet kubelet) {
        this.client = client;
        this.kubelet = kubelet;
    }

    void sync(List<StatefulSet> sets, List<Pod> pods, List<PersistentVolumeClaim> claims, Map<String, Boolean> ready) {
        Map<String, StatefulSet> byUid = new HashMap<>();
        for (StatefulSet sts : sets) {
            byUid.put(sts.getMetadata().getUid(), sts);
            try {
                syncOne(sts, pods, claims, ready);
            } catch (RuntimeException e) {
                LOG.warning("StatefulSet " + sts.getMetadata().getName() + ": " + e.getMessage());
            }
        }
        collectGarbage(byUid, pods, claims);
    }

    private void syncOne(
            StatefulSet sts, List<Pod> allPods, List<PersistentVolumeClaim> claims, Map<String, Boolean> ready) {
        String namespace = sts.getMetadata().getNamespace();
        String name = sts.getMetadata().getName();
        int replicas = sts.getSpec().getReplicas() == null ? 1 : sts.getSpec().getReplicas();
        boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
        String revision = name + "-" + Revisions.hash(sts.getSpec().getTemplate());
        TreeMap<Integer, Pod> pods = new TreeMap<>();
        for (Pod pod : allPods) {
            if (namespace.equals(pod.getMetadata().getNamespace()) && Revisions.ownedBy(pod, sts)) {
                int ordinal = ordinal(name, pod.getMetadata().getName());
                if (ordinal >= 0) {
                    pods.put(ordinal, pod);
                }
            }
        }
        String whenScaled = retention(sts, false);
        // Scale down: surplus ordinals, highest first.
        List<Integer> surplus = new ArrayList<>(pods.tailMap(replicas, true).descendingKeySet());
        for (int ordinal : surplus) {
            client.pods().inNamespace(namespace).withName(name + "-" + ordinal).delete();
            LOG.info(() -> "StatefulSet " + name + ": deleted surplus pod " + ordinal);
            pods.remove(ordinal);
            if (!parallel) {
                break;
            }
        }
        if ("Delete".equals(whenScaled) && sts.getSpec().getVolumeClaimTemplates() != null) {
            for (PersistentVolumeClaim claim : claims) {
                int ordinal = claimOrdinal(sts, claim);
                if (ordinal >= replicas
                        && !pods.containsKey(ordinal)
                        && !kubelet.isTerminating(namespace, name + "-" + ordinal)) {
                    client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withName(claim.getMetadata().getName())
                            .delete();
                }
            }
        }
        // Scale up.
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            if (pods.containsKey(ordinal)) {
                if (!parallel && !Revisions.isReady(pods.get(ordinal), ready)) {
                    break;
                }
                continue;
            }
            if (kubelet.isTerminating(namespace, name + "-" + ordinal)) {
                if (!parallel) {
                    break;
                }
                continue;
            }
            create(sts, ordinal, revision, claims);
            if (!parallel) {
                break;
            }
        }
        // Rolling update.
        String strategy = sts.getSpec().getUpdateStrategy() == null
                ? "RollingUpdate"
                : sts.getSpec().getUpdateStrategy().getType();
        boolean allReady = pods.size() == replicas && pods.values().stream().allMatch(p -> Revisions.isReady(p, ready));
        if (!"OnDelete".equals(strategy) && allReady) {
            int partition = sts.getSpec().getUpdateStrategy() == null
                            || sts.getSpec().getUpdateStrategy().getRollingUpdate() == null
                            || sts.getSpec()
                                            .getUpdateStrategy()
                                            .getRollingUpdate()
                                            .getPartition()
                                    == null
                    ? 0
                    : sts.getSpec().getUpdateStrategy().getRollingUpdate().getPartition();
            for (int ordinal : pods.descendingKeySet()) {
                Pod pod = pods.get(ordinal);
                if (ordinal >= partition && !revision.equals(label(pod, REVISION))) {
                    client.pods()
                            .inNamespace(namespace)
                            .withName(pod.getMetadata().getName())
                            .delete();
                    LOG.info(() -> "StatefulSet " + name + ": rolling pod "
                            + pod.getMetadata().getName());
                    break;
                }
            }
        }
        writeStatus(sts, pods, revision, ready);
    }

    private void create(StatefulSet sts, int ordinal, String revision, List<PersistentVolumeClaim> claims) {
        String namespace = sts.getMetadata().getNamespace();
        String podName = sts.getMetadata().getName() + "-" + ordinal;
        PodSpec spec = Serialization.clone(sts.getSpec().getTemplate().getSpec());
        spec.setHostname(podName);
        spec.setSubdomain(sts.getSpec().getServiceName());
        if (spec.getVolumes() == null) {
            spec.setVolumes(new ArrayList<>());
        }
        if (sts.getSpec().getVolumeClaimTemplates() != null) {
            for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
                String claimName = template.getMetadata().getName() + "-" + podName;
                boolean exists = claims.stream()
                        .anyMatch(c -> namespace.equals(c.getMetadata().getNamespace())
                                && claimName.equals(c.getMetadata().getName()));
                if (!exists) {
                    PersistentVolumeClaim claim = new PersistentVolumeClaimBuilder(template)
                            .editMetadata()
                            .withName(claimName)
                            .withNamespace(namespace)
                            .addToLabels(sts.getSpec().getSelector().getMatchLabels())
                            .endMetadata()
                            .build();
                    if ("Delete".equals(retention(sts, true))) {
                        claim.getMetadata().setOwnerReferences(List.of(Revisions.controllerRef(sts)));
                    }
                    client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .resource(claim)
                            .create();
                }
                spec.getVolumes()
                        .removeIf(v -> v.getName().equals(template.getMetadata().getName()));
                spec.getVolumes()
                        .add(new VolumeBuilder()
                                .withName(template.getMetadata().getName())
                                .withNewPersistentVolumeClaim()
                                .withClaimName(claimName)
                                .endPersistentVolumeClaim()
                                .build());
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (sts.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(sts.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(REVISION, revision);
        labels.put("statefulset.kubernetes.io/pod-name", podName);
        labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal));
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(podName)
                .withNamespace(namespace)
                .withLabels(labels)
                .withAnnotations(sts.getSpec().getTemplate().getMetadata().getAnnotations())
                .withOwnerReferences(Revisions.controllerRef(sts))
                .endMetadata()
                .withSpec(spec)
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        LOG.info(() ->
                "StatefulSet " + sts.getMetadata().getName() + ": created pod " + podName + " (" + revision + ")");
    }

    private void writeStatus(StatefulSet sts, Map<Integer, Pod> pods, String revision, Map<String, Boolean> ready) {
        int readyCount = (int)
                pods.values().stream().filter(p -> Revisions.isReady(p, ready)).count();
        int updated = (int) pods.values().stream()
                .filter(p -> revision.equals(label(p, REVISION)))
                .count();
        StatefulSetStatus old = sts.getStatus();
        String current = updated == pods.size()
                ? revision
                : old != null && old.getCurrentRevision() != null
                        ? old.getCurrentRevision()
                        : pods.values().stream()
                                .map(p -> label(p, REVISION))
                                .filter(r -> !revision.equals(r))
                                .findFirst()
                                .orElse(revision);
        StatefulSetStatus status = new StatefulSetStatusBuilder()
                .withObservedGeneration(sts.getMetadata().getGeneration())
                .withReplicas(pods.size())
                .withReadyReplicas(readyCount)
                .withAvailableReplicas(readyCount)
                .withCurrentReplicas(current.equals(revision) ? updated : pods.size() - updated)
                .withUpdatedReplicas(updated)
                .withCurrentRevision(current)
                .withUpdateRevision(revision)
                .withCollisionCount(0)
                .build();
        if (!status.equals(old)) {
            StatusPatch.replace(
                    client.apps()
                            .statefulSets()
                            .inNamespace(sts.getMetadata().getNamespace())
                            .withName(sts.getMetadata().getName()),
                    status);
        }
    }

    private void collectGarbage(Map<String, StatefulSet> live, List<Pod> pods, List<PersistentVolumeClaim> claims) {
        for (Pod pod : pods) {
            String owner = controllerUid(pod.getMetadata().getOwnerReferences(), "StatefulSet");
            if (owner != null && !live.containsKey(owner)) {
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName())
                        .delete();
                LOG.info(() -> "deleted pod " + pod.getMetadata().getName() + " of a deleted StatefulSet");
            }
        }
        for (PersistentVolumeClaim claim : claims) {
            String owner = controllerUid(claim.getMetadata().getOwnerReferences(), "StatefulSet");
            if (owner != null
                    && !live.containsKey(owner)
                    && !kubelet.claimsInUse()
                            .contains(claim.getMetadata().getNamespace() + "/"
                                    + claim.getMetadata().getName())) {
                client.persistentVolumeClaims()
                        .inNamespace(claim.getMetadata().getNamespace())
                        .withName(claim.getMetadata().getName())
                        .delete();
            }
        }
    }

    private static String controllerUid(List<io.fabric8.kubernetes.api.model.OwnerReference> refs, String kind) {
        if (refs == null) {
            return null;
        }
        return refs.stream()
                .filter(r -> kind.equals(r.getKind()))
                .map(r -> r.getUid())
                .findFirst()
                .orElse(null);
    }

    private static String retention(StatefulSet sts, boolean whenDeleted) {
        var policy = sts.getSpec().getPersistentVolumeClaimRetentionPolicy();
        if (policy == null) {
            return "Retain";
        }
        String value = whenDeleted ? policy.getWhenDeleted() : policy.getWhenScaled();
        return value == null ? "Retain" : value;
    }

    private static int claimOrdinal(StatefulSet sts, PersistentVolumeClaim claim) {
        if (!sts.getMetadata().getNamespace().equals(claim.getMetadata().getNamespace())) {
            return -1;
        }
        for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
            String prefix =
                    template.getMetadata().getName() + "-" + sts.getMetadata().getName() + "-";
            if (claim.getMetadata().getName().startsWith(prefix)) {
                try {
                    return Integer.parseInt(claim.getMetadata().getName().substring(prefix.length()));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    static int ordinal(String setName, String podName) {
        if (!podName.startsWith(setName + "-")) {
            return -1;
        }
        try {
            return Integer.parseInt(podName.substring(setName.length() + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String label(Pod pod, String key) {
        return pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(key);
    }
}
