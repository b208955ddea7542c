package io.rocketkube.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An object of the spec that keeps the fields it does not know instead of failing the parse.
 *
 * <p>Failing would stop the watch of every RocketCluster in every namespace (a fabric8 informer
 * does not restart); dropping them silently would run a misspelt field's default. The operator's
 * validation reports these names as InvalidSpec on the one object that has them. A real API
 * server prunes unknown fields of the structural schema, so they arrive from fabric8's mock, a
 * CRD newer than the operator or a server with pruning off.
 *
 * <p>They are also written out again (the any-getter): JOSDK hands the reconciler a copy made by
 * serializing the cached object, and the copy must still carry them. The CRD generator adds
 * {@code x-kubernetes-preserve-unknown-fields} for an any-setter or any-getter only when told to
 * ({@code implicitPreserveUnknownFields}, off here), so the schema is unchanged.
 */
public abstract class SpecObject {

  @JsonIgnore
  private final Map<String, Object> unknownFields = new TreeMap<>();

  @JsonAnySetter
  void unknownField(String name, Object value) {
    unknownFields.put(name, value);
  }

  @JsonAnyGetter
  Map<String, Object> unknownFieldValues() {
    return unknownFields;
  }

  /** The names of the fields the parsed object had and this model does not know, sorted. */
  @JsonIgnore
  public Set<String> unknownFields() {
    return unknownFields.keySet();
  }
}
