package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a pod is not ready, in the words the kubelet and scheduler used. Pure.
 *
 * <p>Without it a group that never comes up only says "waiting", and the user has to find the
 * crash loop, the failed image pull or the unbound claim with kubectl. The first cause found
 * wins, in the order a user would fix them: a claim that is not bound, then the scheduler's
 * refusal, then a container that waits (with its restart count) or last died.
 */
public final class PodTrouble {

    private PodTrouble() {}

    /**
     * The reason {@code pod} is not running ready, or empty when nothing is known to be wrong.
     *
     * @param claims the claims of the pod's group, as the informer saw them
     */
    public static Optional<String> of(Pod pod, List<PersistentVolumeClaim> claims) {
        if (pod.getStatus() == null) {
            return Optional.empty();
        }
        String name = pod.getMetadata().getName();
        if ("Pending".equals(pod.getStatus().getPhase())) {
            List<String> unbound = unboundClaims(pod, claims);
            if (!unbound.isEmpty()) {
                return Optional.of(name + ": Pending, claim not bound: " + String.join(", ", unbound));
            }
            Optional<PodCondition> unschedulable =
                    condition(pod, "PodScheduled").filter(c -> "False".equals(c.getStatus()));
            if (unschedulable.isPresent()) {
                return Optional.of(name + ": "
                        + describe(
                                unschedulable.get().getReason(),
                                unschedulable.get().getMessage()));
            }
        }
        List<ContainerStatus> containers = new ArrayList<>();
        if (pod.getStatus().getInitContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getInitContainerStatuses());
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            containers.addAll(pod.getStatus().getContainerStatuses());
        }
        for (ContainerStatus container : containers) {
            if (container.getState() != null
                    && container.getState().getWaiting() != null
                    && container.getState().getWaiting().getReason() != null
                    && !"ContainerCreating"
                            .equals(container.getState().getWaiting().getReason())
                    && !"PodInitializing"
                            .equals(container.getState().getWaiting().getReason())) {
                return Optional.of(name + ": container " + container.getName() + " "
                        + describe(
                                container.getState().getWaiting().getReason(),
                                container.getState().getWaiting().getMessage())
                        + restarts(container));
            }
            if (container.getState() != null
                    && container.getState().getTerminated() != null
                    && container.getState().getTerminated().getExitCode() != null
                    && container.getState().getTerminated().getExitCode() != 0) {
                return Optional.of(name + ": container " + container.getName() + " exited with "
                        + container.getState().getTerminated().getExitCode()
                        + reasonSuffix(container.getState().getTerminated().getReason())
                        + restarts(container));
            }
        }
        return Optional.empty();
    }

    private static List<String> unboundClaims(Pod pod, List<PersistentVolumeClaim> claims) {
        List<String> unbound = new ArrayList<>();
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
            return unbound;
        }
        for (Volume volume : pod.getSpec().getVolumes()) {
            if (volume.getPersistentVolumeClaim() == null) {
                continue;
            }
            String claimName = volume.getPersistentVolumeClaim().getClaimName();
            Optional<PersistentVolumeClaim> claim = claims.stream()
                    .filter(c -> claimName.equals(c.getMetadata().getName()))
                    .findFirst();
            String phase = claim.map(PersistentVolumeClaim::getStatus)
                    .map(s -> s.getPhase())
                    .orElse(null);
            if (!"Bound".equals(phase)) {
                unbound.add(
                        claimName + " (" + (claim.isEmpty() ? "missing" : phase == null ? "no phase" : phase) + ")");
            }
        }
        return unbound;
    }

    private static Optional<PodCondition> condition(Pod pod, String type) {
        return pod.getStatus().getConditions() == null
                ? Optional.empty()
                : pod.getStatus().getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .findFirst();
    }

    private static String describe(String reason, String message) {
        String text = reason == null ? "Unknown" : reason;
        return message == null || message.isBlank() ? text : text + " (" + message + ")";
    }

    private static String reasonSuffix(String reason) {
        return reason == null ? "" : " (" + reason + ")";
    }

    private static String restarts(ContainerStatus container) {
        Integer count = container.getRestartCount();
        return count == null || count == 0 ? "" : ", " + count + " restarts";
    }
}
