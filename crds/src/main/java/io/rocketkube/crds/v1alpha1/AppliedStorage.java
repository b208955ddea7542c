package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The broker storage the groups run with: the last accepted {@code spec.broker.storage}. Kept in
 * the status so that an operator restart still knows it while a refused change stays in the spec
 * (the StatefulSets' claim templates keep the size they were created with, even after expansion).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class AppliedStorage {

    @JsonPropertyDescription("persistent-claim or ephemeral.")
    private StorageSpec.StorageType type;

    @JsonPropertyDescription("Size every broker volume has been created or expanded to.")
    private String size;

    @JsonPropertyDescription("Storage class of the claims; absent for the cluster's default class.")
    private String storageClass;

    public AppliedStorage() {}

    public AppliedStorage(StorageSpec.StorageType type, String size, String storageClass) {
        this.type = type;
        this.size = size;
        this.storageClass = storageClass;
    }

    public StorageSpec.StorageType getType() {
        return type;
    }

    public void setType(StorageSpec.StorageType type) {
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
}
