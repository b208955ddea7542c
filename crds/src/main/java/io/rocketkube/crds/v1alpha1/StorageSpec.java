package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The broker's store volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.type != 'persistent-claim' || has(self.size)",
        message = "storage.size is required when storage.type is persistent-claim")
@ValidationRule(value = "self.type == oldSelf.type", message = "storage.type cannot change on an existing cluster")
// The size may change: the operator expands the claims where their storage class allows it and
// refuses a decrease with the StorageChangeRefused condition (CEL cannot compare quantities on
// every supported server). The class is immutable in a claim.
@ValidationRule(
        value = "(has(self.storageClass) ? self.storageClass : '')"
                + " == (has(oldSelf.storageClass) ? oldSelf.storageClass : '')",
        message = "storage.storageClass cannot change: a claim's storage class is immutable")
// Unknown fields are collected, not fatal: see SpecObject.
public class StorageSpec extends SpecObject {

    @Default("persistent-claim")
    @JsonPropertyDescription("persistent-claim gives every broker its own PersistentVolumeClaim;"
            + " ephemeral uses an emptyDir that is lost with the pod (tests only). Default"
            + " persistent-claim.")
    private StorageType type = StorageType.PERSISTENT_CLAIM;

    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
    @Default("10Gi")
    @JsonPropertyDescription("Size of each broker's volume, for example 50Gi. For ephemeral storage"
            + " it is the emptyDir's size limit. Default 10Gi. On an existing cluster it may only grow,"
            + " and only where the storage class allows volume expansion: the operator then expands"
            + " every broker claim; any other change is refused (condition StorageChangeRefused).")
    private String size = "10Gi";

    @JsonPropertyDescription("Storage class of the claims; the cluster's default class when omitted.")
    private String storageClass;

    @Default("false")
    @JsonPropertyDescription("Delete the claims when their group is scaled in or the cluster is"
            + " deleted. Default false: claims and their messages are kept.")
    private boolean deleteClaim;

    public StorageType getType() {
        return type;
    }

    public void setType(StorageType type) {
        this.type = type;
    }

    public String getSize() {
        return size;
    }

    public void setSize(String size) {
        this.size = size;
    }

    public String getStorageClass() {
        return storageClass;
    }

    public void setStorageClass(String storageClass) {
        this.storageClass = storageClass;
    }

    public boolean isDeleteClaim() {
        return deleteClaim;
    }

    public void setDeleteClaim(boolean deleteClaim) {
        this.deleteClaim = deleteClaim;
    }

    /** Kind of store volume. */
    public enum StorageType {
        @JsonProperty("persistent-claim")
        PERSISTENT_CLAIM,
        @JsonProperty("ephemeral")
        EPHEMERAL;

        /** Unknown values read as null; see {@link LenientEnums}. */
        @JsonCreator
        public static StorageType of(String value) {
            return LenientEnums.parse(StorageType.class, value);
        }
    }
}
