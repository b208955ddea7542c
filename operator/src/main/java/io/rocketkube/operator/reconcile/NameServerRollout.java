package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/** Whether the Deployment controller has finished replacing the NameServers. */
final class NameServerRollout {

    private NameServerRollout() {}

    static boolean complete(Deployment deployment) {
        DeploymentStatus status = deployment.getStatus();
        if (status == null) {
            return false;
        }
        int wanted = deployment.getSpec().getReplicas() == null
                ? 1
                : deployment.getSpec().getReplicas();
        Long generation = deployment.getMetadata().getGeneration();
        boolean observed = generation == null
                || status.getObservedGeneration() == null
                || status.getObservedGeneration() >= generation;
        return observed
                && value(status.getUpdatedReplicas()) == wanted
                && value(status.getReadyReplicas()) >= wanted
                && value(status.getReplicas()) == wanted;
    }

    private static int value(Integer count) {
        return count == null ? 0 : count;
    }
}
