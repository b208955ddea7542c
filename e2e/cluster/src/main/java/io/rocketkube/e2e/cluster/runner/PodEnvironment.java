package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet computes it: envFrom, then env in order; values,
 * {@code $(VAR)} references to earlier entries, the downward API ({@code metadata.name},
 * {@code metadata.namespace}, {@code metadata.uid}, {@code metadata.labels['k']},
 * {@code metadata.annotations['k']}, {@code spec.nodeName}, {@code spec.serviceAccountName},
 * {@code status.podIP}, {@code status.hostIP}) and ConfigMap/Secret keys.
 *
 * <p>Two rewrites stand in for the pod's own network and file system: the wildcard address
 * {@code 0.0.0.0} (a bind inside a pod's network namespace) becomes the pod's loopback address,
 * and an absolute path becomes its host path ({@link PodFileSystem#rewrite}). Only the variables
 * of the manifest plus PATH, HOME, LANG and JAVA_HOME reach the child: a test's own environment
 * (KUBECONFIG, ...) does not leak into the pods.
 */
final class PodEnvironment {

    private static final Pattern FIELD_KEY = Pattern.compile("metadata\\.(labels|annotations)\\['(.+)'\\]");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final KubernetesClient client;

    PodEnvironment(KubernetesClient client) {
        this.client = client;
    }

    Map<String, String> resolve(Container container, Pod pod, String ip, PodFileSystem fs) {
        String namespace = pod.getMetadata().getNamespace();
        Map<String, String> env = new LinkedHashMap<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource from : container.getEnvFrom()) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                if (from.getConfigMapRef() != null) {
                    ConfigMap map = client.configMaps()
                            .inNamespace(namespace)
                            .withName(from.getConfigMapRef().getName())
                            .get();
                    if (map != null && map.getData() != null) {
                        map.getData().forEach((k, v) -> env.put(prefix + k, v));
                    }
                }
                if (from.getSecretRef() != null) {
                    Secret secret = client.secrets()
                            .inNamespace(namespace)
                            .withName(from.getSecretRef().getName())
                            .get();
                    if (secret != null && secret.getData() != null) {
                        secret.getData().forEach((k, v) -> env.put(prefix + k, decode(v)));
                    }
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar var : container.getEnv()) {
                String value = var.getValueFrom() != null
                        ? valueFrom(var.getValueFrom(), pod, ip)
                        : expand(var.getValue() == null ? "" : var.getValue(), env);
                if (value != null) {
                    env.put(var.getName(), value);
                }
            }
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (String inherited : new String[] {"PATH", "HOME", "LANG", "JAVA_HOME"}) {
            String value = System.getenv(inherited);
            if (value != null) {
                result.put(inherited, value);
            }
        }
        env.forEach((k, v) -> result.put(k, rewrite(v, ip, fs)));
        return result;
    }

    private static String rewrite(String value, String ip, PodFileSystem fs) {
        if ("0.0.0.0".equals(value) || "::".equals(value)) {
            return ip;
        }
        return fs.rewrite(value);
    }

    private String valueFrom(EnvVarSource source, Pod pod, String ip) {
        String namespace = pod.getMetadata().getNamespace();
        if (source.getFieldRef() != null) {
            String path = source.getFieldRef().getFieldPath();
            switch (path) {
                case "metadata.name":
                    return pod.getMetadata().getName();
                case "metadata.namespace":
                    return namespace;
                case "metadata.uid":
                    return pod.getMetadata().getUid();
                case "spec.nodeName":
                    return "local";
                case "spec.serviceAccountName":
                    return pod.getSpec().getServiceAccountName();
                case "status.podIP":
                    return ip;
                case "status.hostIP":
                    return "127.0.0.1";
                default:
                    Matcher m = FIELD_KEY.matcher(path);
                    if (m.matches()) {
                        Map<String, String> map = "labels".equals(m.group(1))
                                ? pod.getMetadata().getLabels()
                                : pod.getMetadata().getAnnotations();
                        return map == null ? "" : map.getOrDefault(m.group(2), "");
                    }
                    throw new IllegalArgumentException("unsupported fieldRef " + path);
            }
        }
        if (source.getConfigMapKeyRef() != null) {
            ConfigMap map = client.configMaps()
                    .inNamespace(namespace)
                    .withName(source.getConfigMapKeyRef().getName())
                    .get();
            String value = map == null || map.getData() == null
                    ? null
                    : map.getData().get(source.getConfigMapKeyRef().getKey());
            if (value == null
                    && !Boolean.TRUE.equals(source.getConfigMapKeyRef().getOptional())) {
                throw new IllegalStateException(
                        "configMapKeyRef " + source.getConfigMapKeyRef().getName() + "/"
                                + source.getConfigMapKeyRef().getKey() + " not found");
            }
            return value;
        }
        if (source.getSecretKeyRef() != null) {
            Secret secret = client.secrets()
                    .inNamespace(namespace)
                    .withName(source.getSecretKeyRef().getName())
                    .get();
            String value = secret == null || secret.getData() == null
                    ? null
                    : secret.getData().get(source.getSecretKeyRef().getKey());
            if (value == null && !Boolean.TRUE.equals(source.getSecretKeyRef().getOptional())) {
                throw new IllegalStateException(
                        "secretKeyRef " + source.getSecretKeyRef().getName() + "/"
                                + source.getSecretKeyRef().getKey() + " not found");
            }
            return value == null ? null : decode(value);
        }
        // resourceFieldRef: limits are not enforced here; leave the variable unset.
        return null;
    }

    private static String expand(String value, Map<String, String> env) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = env.getOrDefault(m.group(1), m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }
}
