package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.model.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes deleting a RocketCluster delete its broker claims exactly when {@code deleteClaim} is
 * set: such claims get the cluster as owner, so Kubernetes' garbage collector removes them with
 * it, with no finalizer that would keep the cluster alive while the operator is down.
 */
public final class ClaimOwnership {

    /** @return the claims whose owners were changed */
    public List<String> align(KubernetesClient client, RocketCluster cluster, List<PersistentVolumeClaim> claims) {
        boolean owned = cluster.getSpec().getBroker().getStorage().isDeleteClaim();
        String uid = cluster.getMetadata().getUid();
        List<String> changed = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            List<OwnerReference> refs = new ArrayList<>(claim.getMetadata().getOwnerReferences());
            boolean has = refs.removeIf(r -> uid.equals(r.getUid()));
            if (has == owned) {
                continue;
            }
            if (owned) {
                OwnerReference ref = Metadata.ownerReference(cluster);
                // Not the controller: a claim has none, and a controller ref would claim it for us alone.
                ref.setController(false);
                refs.add(ref);
            }
            client.persistentVolumeClaims()
                    .inNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of("metadata", Map.of("ownerReferences", refs))));
            changed.add(claim.getMetadata().getName());
        }
        return changed;
    }
}
