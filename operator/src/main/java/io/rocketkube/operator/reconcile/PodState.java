package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.model.Names;
import java.util.Map;

/**
 * What the operator needs to know of one pod.
 *
 * @param ordinal StatefulSet ordinal; 0 is the master
 * @param configHash the configuration the pod was created from
 * @param ip pod IP, or null before it has one
 */
public record PodState(String name, int ordinal, String configHash, boolean ready, String ip) {

  public static PodState of(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    boolean ready = pod.getMetadata().getDeletionTimestamp() == null && pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return new PodState(pod.getMetadata().getName(), Names.podOrdinal(pod.getMetadata().getName()),
        annotations == null ? null : annotations.get(ConfigHash.ANNOTATION), ready,
        pod.getStatus() == null ? null : pod.getStatus().getPodIP());
  }

  public boolean isMaster() {
    return ordinal == 0;
  }
}
