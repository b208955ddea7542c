package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.model.Labels;

/**
 * Deletes a drained group's StatefulSet, Service and PodDisruptionBudget, and with
 * {@code deleteClaim} its claims. The StatefulSet's own claim retention policy says the same; the
 * explicit delete covers clusters where that policy is switched off.
 */
public final class GroupRemover {

    public void remove(KubernetesClient client, RocketCluster cluster, String group) {
        String namespace = cluster.getMetadata().getNamespace();
        client.apps().statefulSets().inNamespace(namespace).withName(group).delete();
        client.services().inNamespace(namespace).withName(group).delete();
        client.policy()
                .v1()
                .podDisruptionBudget()
                .inNamespace(namespace)
                .withName(group)
                .delete();
        if (cluster.getSpec().getBroker().getStorage().isDeleteClaim()) {
            client.persistentVolumeClaims()
                    .inNamespace(namespace)
                    .withLabels(Labels.managed(Labels.groupSelector(cluster, group)))
                    .delete();
        }
    }
}
