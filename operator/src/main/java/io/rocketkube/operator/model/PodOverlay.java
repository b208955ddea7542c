package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.rocketkube.crds.v1alpha1.ImageSpec;
import io.rocketkube.crds.v1alpha1.PodOverrides;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/** Applies the user's {@link PodOverrides} and image settings on top of what the operator owns. */
public final class PodOverlay {

    private PodOverlay() {}

    /** The user's labels, without those under prefixes the operator's selectors use. */
    public static Map<String, String> labels(PodOverrides pod, Map<String, String> owned) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (pod != null && pod.getLabels() != null) {
            pod.getLabels().forEach((k, v) -> {
                if (!k.startsWith("app.kubernetes.io/") && !k.startsWith("rocketkube.io/")) {
                    labels.put(k, v);
                }
            });
        }
        labels.putAll(owned);
        return labels;
    }

    public static Map<String, String> annotations(PodOverrides pod) {
        Map<String, String> annotations = new LinkedHashMap<>();
        if (pod != null && pod.getAnnotations() != null) {
            pod.getAnnotations().forEach((k, v) -> {
                if (!k.equals(ConfigHash.ANNOTATION)) {
                    annotations.put(k, v);
                }
            });
        }
        return annotations;
    }

    /** Scheduling settings: node selector, tolerations, spread and priority. */
    public static PodSpecBuilder scheduling(PodSpecBuilder spec, PodOverrides pod) {
        if (pod == null) {
            return spec;
        }
        if (pod.getNodeSelector() != null && !pod.getNodeSelector().isEmpty()) {
            spec.withNodeSelector(pod.getNodeSelector());
        }
        if (pod.getTolerations() != null && !pod.getTolerations().isEmpty()) {
            spec.withTolerations(pod.getTolerations());
        }
        if (pod.getTopologySpreadConstraints() != null
                && !pod.getTopologySpreadConstraints().isEmpty()) {
            spec.withTopologySpreadConstraints(pod.getTopologySpreadConstraints());
        }
        if (pod.getPriorityClassName() != null) {
            spec.withPriorityClassName(pod.getPriorityClassName());
        }
        return spec;
    }

    public static PodSpecBuilder pullSecrets(PodSpecBuilder spec, RocketCluster cluster) {
        ImageSpec image = cluster.getSpec().getImage();
        if (image != null
                && image.getPullSecrets() != null
                && !image.getPullSecrets().isEmpty()) {
            spec.withImagePullSecrets(image.getPullSecrets());
        }
        return spec;
    }

    public static String image(RocketCluster cluster, OperatorSettings settings, String component) {
        ImageSpec image = cluster.getSpec().getImage();
        String repository =
                image != null && image.getRepository() != null ? image.getRepository() : settings.imageRepository();
        return repository + "/rocketkube-" + component + ":" + cluster.getSpec().getVersion();
    }

    public static String pullPolicy(RocketCluster cluster) {
        ImageSpec image = cluster.getSpec().getImage();
        return image != null && image.getPullPolicy() != null
                ? image.getPullPolicy().name()
                : ImageSpec.PullPolicy.IfNotPresent.name();
    }
}
