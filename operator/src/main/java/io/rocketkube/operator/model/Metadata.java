package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import java.util.Map;

/** Object metadata of owned objects: name, namespace, labels and the controller owner reference. */
public final class Metadata {

    private Metadata() {}

    public static ObjectMeta owned(RocketCluster cluster, String name, Map<String, String> labels) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(Labels.managed(labels))
                .withOwnerReferences(ownerReference(cluster))
                .build();
    }

    /**
     * The owner reference that lets Kubernetes' garbage collector delete the object with the cluster.
     * blockOwnerDeletion keeps a foreground deletion of the cluster waiting for its objects.
     */
    public static OwnerReference ownerReference(RocketCluster cluster) {
        return new OwnerReferenceBuilder()
                .withApiVersion(cluster.getApiVersion())
                .withKind(cluster.getKind())
                .withName(cluster.getMetadata().getName())
                .withUid(cluster.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }
}
