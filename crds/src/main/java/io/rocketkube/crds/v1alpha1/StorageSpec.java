package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The broker's store volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type != 'persistent-claim' || has(self.size)",
    message = "storage.size is required when storage.type is persistent-claim")
@ValidationRule(value = "self.type == oldSelf.type",
    message = "storage.type cannot change on an existing cluster")
@ValidationRule(value = "(has(self.size) ? self.size : '') == (has(oldSelf.size) ? oldSelf.size : '')"
    + " && (has(self.storageClass) ? self.storageClass : '')"
    + " == (has(oldSelf.storageClass) ? oldSelf.storageClass : '')",
    message = "storage.size and storage.storageClass cannot change: StatefulSet volume claim"
        + " templates are immutable")
// A field this model does not know (a newer CRD, a server that does not prune) must not fail the
// parse: that would stop the watch of every RocketCluster.
@JsonIgnoreProperties(ignoreUnknown = true)
public class StorageSpec {

  @Default("persistent-claim")
  @JsonPropertyDescription("persistent-claim gives every broker its own PersistentVolumeClaim;"
      + " ephemeral uses an emptyDir that is lost with the pod (tests only). Default"
      + " persistent-claim.")
  private StorageType type = StorageType.PERSISTENT_CLAIM;

  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
  @Default("10Gi")
  @JsonPropertyDescription("Size of each broker's volume, for example 50Gi. For ephemeral storage"
      + " it is the emptyDir's size limit. Default 10Gi.")
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
