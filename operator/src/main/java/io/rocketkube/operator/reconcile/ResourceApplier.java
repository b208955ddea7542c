package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.rocketkube.operator.model.ConfigHash;
import java.net.HttpURLConnection;

/**
 * Creates or updates one owned object without server-side apply (off project-wide).
 *
 * <p>An object is written when the desired state changed (its hash, stored on it as
 * {@link #ANNOTATION}, differs) or when someone edited a field the operator sets ({@link Drift}:
 * only the fields the desired object sets are compared, so the API server's defaulting of every
 * field we leave out does not count).
 */
public final class ResourceApplier {

    public static final String ANNOTATION = "rocketkube.io/desired-hash";

    /** Told which field of which object was edited by hand, after it was put back. */
    @FunctionalInterface
    public interface DriftListener {
        void reverted(HasMetadata object, String path);
    }

    private ResourceApplier() {}

    /** {@link #apply(KubernetesClient, HasMetadata, HasMetadata, DriftListener)}, unreported. */
    public static <T extends HasMetadata> boolean apply(KubernetesClient client, T desired, T actual) {
        return apply(client, desired, actual, (object, path) -> {});
    }

    /**
     * Writes {@code desired} unless {@code actual} was built from the same desired state and nobody
     * changed what the operator owns in it.
     *
     * @return whether anything was written
     */
    public static <T extends HasMetadata> boolean apply(
            KubernetesClient client, T desired, T actual, DriftListener drift) {
        String hash = ConfigHash.of(desired);
        if (desired.getMetadata().getAnnotations() == null) {
            desired.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
        }
        desired.getMetadata().getAnnotations().put(ANNOTATION, hash);
        String edited = null;
        if (actual != null
                && actual.getMetadata().getAnnotations() != null
                && hash.equals(actual.getMetadata().getAnnotations().get(ANNOTATION))) {
            edited = Drift.find(desired, actual);
            if (edited == null) {
                return false;
            }
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
        if (edited != null) {
            drift.reverted(desired, edited);
        }
        return true;
    }
}
