package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rocketkube.crds.v1alpha1.AppliedStorage;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterStatus;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.status.Conditions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Carries out a {@link StorageChange} decision: builds the groups with the applied storage, grows
 * the broker claims to it, and reports a refusal.
 *
 * <p>Expansion works as Strimzi's PvcReconciler does: each claim's
 * {@code spec.resources.requests.storage} is patched, and the storage driver grows the volume
 * (online, or at the pod's next start for drivers that need that). The StatefulSets are left as
 * they are: their claim templates are immutable, and recreating them with an orphan cascade would
 * leave a window with no controller for the pods (an operator crash in it leaves pods unmanaged
 * until the next pass). A template keeps the old size, so a claim it creates later (a new slave)
 * starts small and is grown by the next pass; a new group's StatefulSet is created with the new
 * size. The applied storage is recorded in {@code status.appliedStorage}, so an operator restart
 * keeps judging changes against it rather than against the stale templates.
 */
final class BrokerStorage {

    static final String REFUSED_EVENT = "StorageChangeRefused";
    static final String EXPANDING_EVENT = "ExpandingVolumes";
    private static final String DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
    private static final Logger LOG = Logger.getLogger(BrokerStorage.class);

    private final EventRecorder events;
    /** By cluster uid, the refusal last recorded as an Event. */
    private final Map<String, String> refusalsReported = new ConcurrentHashMap<>();

    BrokerStorage(EventRecorder events) {
        this.events = events;
    }

    /** This pass' decision: the wanted storage against the one the groups run with. */
    StorageChange.Decision decide(KubernetesClient client, RocketCluster cluster, ClusterObservation seen) {
        AppliedStorage recorded =
                cluster.getStatus() == null ? null : cluster.getStatus().getAppliedStorage();
        return StorageChange.decide(
                cluster.getSpec().getBroker().getStorage(),
                StorageChange.current(recorded, seen.groups().values()),
                name -> allowsExpansion(client, name));
    }

    /** A copy of the cluster whose spec carries the applied storage, to build the groups from. */
    static RocketCluster withApplied(RocketCluster cluster, StorageChange.Decision decision) {
        RocketCluster copy = Serialization.clone(cluster);
        StorageSpec storage = copy.getSpec().getBroker().getStorage();
        storage.setType(decision.applied().getType());
        // An ephemeral group's recorded size may be unknown (read from a template without claims).
        if (decision.applied().getSize() != null) {
            storage.setSize(decision.applied().getSize());
        }
        storage.setStorageClass(decision.applied().getStorageClass());
        return copy;
    }

    /** An existing StatefulSet keeps its claim templates: the API server refuses to change them. */
    static void keepClaimTemplates(StatefulSet desired, StatefulSet existing) {
        if (existing != null) {
            desired.getSpec().setVolumeClaimTemplates(existing.getSpec().getVolumeClaimTemplates());
        }
    }

    /**
     * Grows every broker claim that asks for less than the applied size.
     *
     * @return the claims patched
     */
    List<String> expandClaims(
            KubernetesClient client,
            RocketCluster cluster,
            StorageChange.Decision decision,
            List<PersistentVolumeClaim> claims) {
        AppliedStorage applied = decision.applied();
        if (applied.getType() != StorageSpec.StorageType.PERSISTENT_CLAIM || applied.getSize() == null) {
            return List.of();
        }
        List<String> grown = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (PersistentVolumeClaim claim : claims) {
            if (ClusterObservation.label(claim, Labels.BROKER_GROUP) == null) {
                continue;
            }
            Quantity requested = claim.getSpec().getResources() == null
                            || claim.getSpec().getResources().getRequests() == null
                    ? null
                    : claim.getSpec().getResources().getRequests().get("storage");
            if (requested == null || StorageChange.compare(requested.toString(), applied.getSize()) >= 0) {
                continue;
            }
            client.persistentVolumeClaims()
                    .inNamespace(claim.getMetadata().getNamespace())
                    .withName(claim.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            Serialization.asJson(Map.of(
                                    "spec",
                                    Map.of("resources", Map.of("requests", Map.of("storage", applied.getSize()))))));
            grown.add(claim.getMetadata().getName());
            from.add(requested.toString());
        }
        if (!grown.isEmpty()) {
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    EXPANDING_EVENT,
                    "Expanding "
                            + grown + " from " + from.stream().distinct().toList() + " to " + applied.getSize()
                            + " (the storage class allows volume expansion)");
        }
        return grown;
    }

    /**
     * Records the applied storage and the StorageChangeRefused condition in {@code status}, with a
     * Warning Event when a refusal is new (not once per pass).
     */
    void report(
            KubernetesClient client,
            RocketCluster cluster,
            RocketClusterStatus status,
            StorageChange.Decision decision,
            Instant now) {
        status.setAppliedStorage(decision.applied());
        List<io.fabric8.kubernetes.api.model.Condition> before =
                cluster.getStatus() == null ? List.of() : cluster.getStatus().getConditions();
        boolean reported = Conditions.find(before, RocketClusterStatus.STORAGE_CHANGE_REFUSED)
                .map(c -> "True".equals(c.getStatus())
                        && decision.refusedMessage() != null
                        && decision.refusedMessage().equals(c.getMessage()))
                .orElse(false);
        // The informer may hand the next pass the cluster from before this status was written.
        String uid = cluster.getMetadata().getUid();
        if (decision.refused()
                && !reported
                && !decision.refusedMessage().equals(refusalsReported.put(uid, decision.refusedMessage()))) {
            events.record(client, cluster, EventRecorder.WARNING, REFUSED_EVENT, decision.refusedMessage());
        }
        status.setConditions(Conditions.set(
                status.getConditions(),
                RocketClusterStatus.STORAGE_CHANGE_REFUSED,
                decision.refused(),
                decision.refused() ? decision.refusedReason() : "StorageAsSpecified",
                decision.refused() ? decision.refusedMessage() : "the broker groups run with spec.broker.storage",
                cluster.getMetadata().getGeneration(),
                now));
        if (!decision.refused()) {
            refusalsReported.remove(uid);
        }
    }

    /** Whether the class (null: the cluster's default class) exists and allows volume expansion. */
    private static boolean allowsExpansion(KubernetesClient client, String name) {
        try {
            StorageClass storageClass = name != null
                    ? client.storage().v1().storageClasses().withName(name).get()
                    : client.storage().v1().storageClasses().list().getItems().stream()
                            .filter(c -> c.getMetadata().getAnnotations() != null
                                    && "true"
                                            .equals(c.getMetadata()
                                                    .getAnnotations()
                                                    .get(DEFAULT_CLASS_ANNOTATION)))
                            .findFirst()
                            .orElse(null);
            return storageClass != null && Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion());
        } catch (KubernetesClientException e) {
            // Refused with the reason in the log: expanding blind could leave claims pending forever.
            LOG.warnf("cannot read storage class %s: %s", name, e.getMessage());
            return false;
        }
    }
}
