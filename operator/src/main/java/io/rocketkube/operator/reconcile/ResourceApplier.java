package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rocketkube.operator.model.ConfigHash;
import java.net.HttpURLConnection;

/**
 * Creates or updates one owned object without server-side apply (off project-wide).
 *
 * <p>The match is narrow on purpose: the desired object's hash is stored on it
 * ({@link #ANNOTATION}) and the object is written only when that hash changes. Comparing against
 * the live object instead would fight the API server's defaulting of every field we do not set.
 */
public final class ResourceApplier {

  public static final String ANNOTATION = "rocketkube.io/desired-hash";

  private ResourceApplier() {
  }

  /**
   * Writes {@code desired} unless {@code actual} was built from the same desired state.
   *
   * @return whether anything was written
   */
  public static <T extends HasMetadata> boolean apply(KubernetesClient client, T desired, T actual) {
    String hash = ConfigHash.of(desired);
    if (desired.getMetadata().getAnnotations() == null) {
      desired.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
    }
    desired.getMetadata().getAnnotations().put(ANNOTATION, hash);
    if (actual != null && actual.getMetadata().getAnnotations() != null
        && hash.equals(actual.getMetadata().getAnnotations().get(ANNOTATION))) {
      return false;
    }
    if (actual == null) {
      try {
        client.resource(desired).create();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Our informer had not seen the object yet; fall through and update it.
      }
    }
    // A full, unconditional replace: the object is ours alone, and unlike a merge patch it also
    // removes what the desired state no longer has (a dropped label, toleration or env var).
    // The API server keeps what it allocated itself, such as a Service's clusterIP.
    client.resource(desired).update();
    return true;
  }
}
