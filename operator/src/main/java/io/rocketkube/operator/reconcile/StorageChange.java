package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.rocketkube.crds.v1alpha1.AppliedStorage;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Judges a change of {@code spec.broker.storage} against the storage the groups run with. Pure.
 *
 * <p>Only a persistent claim's size may grow, and only where its storage class allows volume
 * expansion; everything else (a smaller size, another class or type, a class without expansion)
 * is refused, and the groups keep the storage they have while the rest of the spec still applies.
 * A refusal is a condition, not an invalid spec: a healthy cluster stays Ready and observed.
 */
public final class StorageChange {

    public static final String SIZE_DECREASE = "SizeDecrease";
    public static final String EXPANSION_NOT_ALLOWED = "VolumeExpansionNotAllowed";
    public static final String CLASS_CHANGE = "StorageClassChange";
    public static final String TYPE_CHANGE = "StorageTypeChange";

    /**
     * What the groups get.
     *
     * @param applied the storage to build and keep the groups with (the new one when accepted)
     * @param refusedReason null unless the wanted storage was refused
     */
    public record Decision(AppliedStorage applied, String refusedReason, String refusedMessage) {

        public boolean refused() {
            return refusedReason != null;
        }
    }

    private StorageChange() {}

    /**
     * The storage the groups run with: the status' record, or for a cluster reconciled before that
     * record existed the first StatefulSet's claim template; empty for a cluster with no group yet.
     */
    public static Optional<AppliedStorage> current(AppliedStorage recorded, Collection<StatefulSet> groups) {
        if (recorded != null) {
            return Optional.of(recorded);
        }
        return groups.stream().findFirst().map(sts -> {
            List<PersistentVolumeClaim> templates = sts.getSpec().getVolumeClaimTemplates();
            if (templates == null || templates.isEmpty()) {
                return new AppliedStorage(StorageSpec.StorageType.EPHEMERAL, null, null);
            }
            PersistentVolumeClaim claim = templates.get(0);
            Quantity size = claim.getSpec().getResources().getRequests().get("storage");
            return new AppliedStorage(
                    StorageSpec.StorageType.PERSISTENT_CLAIM,
                    size == null ? null : size.toString(),
                    claim.getSpec().getStorageClassName());
        });
    }

    /**
     * @param current what the groups run with, empty when no group exists yet
     * @param allowsExpansion whether the named storage class (null: the default class) allows
     *     volume expansion; asked only for a persistent size increase
     */
    public static Decision decide(
            StorageSpec wanted, Optional<AppliedStorage> current, Predicate<String> allowsExpansion) {
        AppliedStorage asWanted = new AppliedStorage(wanted.getType(), wanted.getSize(), wanted.getStorageClass());
        if (current.isEmpty()) {
            return new Decision(asWanted, null, null);
        }
        AppliedStorage have = current.get();
        if (have.getType() != wanted.getType()) {
            return refuse(
                    have,
                    TYPE_CHANGE,
                    "storage.type cannot change on an existing cluster: the" + " groups keep "
                            + wireName(have.getType()) + ", not " + wireName(wanted.getType()));
        }
        if (have.getType() == StorageSpec.StorageType.EPHEMERAL) {
            // An emptyDir's size limit is part of the pod template: the pods roll to it as usual.
            return new Decision(asWanted, null, null);
        }
        if (!Objects.equals(have.getStorageClass(), wanted.getStorageClass())) {
            return refuse(
                    have,
                    CLASS_CHANGE,
                    "storage.storageClass cannot change from "
                            + className(have.getStorageClass()) + " to " + className(wanted.getStorageClass())
                            + ": a claim's storage class is immutable; the groups keep "
                            + className(have.getStorageClass()));
        }
        int order = compare(wanted.getSize(), have.getSize());
        if (order == 0) {
            return new Decision(asWanted, null, null);
        }
        if (order < 0) {
            return refuse(
                    have,
                    SIZE_DECREASE,
                    "storage.size cannot shrink from " + have.getSize() + " to " + wanted.getSize()
                            + ": volumes only grow; the groups keep " + have.getSize());
        }
        if (!allowsExpansion.test(have.getStorageClass())) {
            return refuse(
                    have,
                    EXPANSION_NOT_ALLOWED,
                    "storage.size cannot grow from "
                            + have.getSize() + " to " + wanted.getSize() + ": storage class "
                            + className(have.getStorageClass()) + " does not allow volume expansion"
                            + " (allowVolumeExpansion); the groups keep " + have.getSize());
        }
        return new Decision(asWanted, null, null);
    }

    /** Negative, zero or positive as {@code a} is smaller than, equal to or larger than {@code b}. */
    public static int compare(String a, String b) {
        return Quantity.getAmountInBytes(new Quantity(a)).compareTo(Quantity.getAmountInBytes(new Quantity(b)));
    }

    private static Decision refuse(AppliedStorage have, String reason, String message) {
        return new Decision(have, reason, message);
    }

    private static String className(String name) {
        return name == null ? "(the default class)" : "'" + name + "'";
    }

    private static String wireName(StorageSpec.StorageType type) {
        return type == StorageSpec.StorageType.PERSISTENT_CLAIM ? "persistent-claim" : "ephemeral";
    }
}
