package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Set;
import java.util.TreeSet;

/**
 * An object of the spec that remembers the fields it does not know instead of failing the parse.
 *
 * <p>Failing would stop the watch of every RocketCluster in every namespace (a fabric8 informer
 * does not restart); ignoring them silently would run a misspelt field's default. The operator's
 * validation reports these names as InvalidSpec on the one object that has them. A real API
 * server prunes unknown fields of the structural schema, so they arrive from fabric8's mock, a
 * CRD newer than the operator or a server with pruning off. The CRD generator adds
 * {@code x-kubernetes-preserve-unknown-fields} for an any-setter only when told to
 * ({@code implicitPreserveUnknownFields}, off here), so the schema is unchanged.
 *
 * <p>Unknown fields are never written back: there is no any-getter (the CRD generator would list
 * it as a property of every object). So a serialized copy loses them, as does the copy JOSDK
 * hands each reconciliation: the operator validates the informer's own object.
 */
public abstract class SpecObject {

    @JsonIgnore
    private final Set<String> unknownFields = new TreeSet<>();

    @JsonAnySetter
    void unknownField(String name, Object ignored) {
        unknownFields.add(name);
    }

    /** The names of the fields the parsed object had and this model does not know, sorted. */
    @JsonIgnore
    public Set<String> unknownFields() {
        return unknownFields;
    }
}
