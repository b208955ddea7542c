package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.model.Names;
import java.util.List;
import java.util.Map;

/**
 * What the operator needs to know of one pod.
 *
 * @param ordinal StatefulSet ordinal; 0 is the master
 * @param configHash the configuration the pod was created from
 * @param ip pod IP, or null before it has one
 * @param trouble why the pod is not ready ({@link PodTrouble}), or null when nothing is known
 */
public record PodState(String name, int ordinal, String configHash, boolean ready, String ip, String trouble) {

    public PodState(String name, int ordinal, String configHash, boolean ready, String ip) {
        this(name, ordinal, configHash, ready, ip, null);
    }

    /** The pod with the reason it is not ready, read from the pod and its group's claims. */
    public static PodState of(Pod pod, List<PersistentVolumeClaim> claims) {
        PodState state = of(pod);
        return state.ready()
                ? state
                : new PodState(
                        state.name(),
                        state.ordinal(),
                        state.configHash(),
                        false,
                        state.ip(),
                        PodTrouble.of(pod, claims).orElse(null));
    }

    public static PodState of(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        boolean ready = pod.getMetadata().getDeletionTimestamp() == null
                && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return new PodState(
                pod.getMetadata().getName(),
                Names.podOrdinal(pod.getMetadata().getName()),
                annotations == null ? null : annotations.get(ConfigHash.ANNOTATION),
                ready,
                pod.getStatus() == null ? null : pod.getStatus().getPodIP());
    }

    public boolean isMaster() {
        return ordinal == 0;
    }
}
