package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's file system on this machine, so that the paths its manifest names exist: the container's
 * root is {@code <podDir>/fs}, and each volumeMount maps its mountPath to a host directory.
 * emptyDir, ConfigMap and Secret volumes live under the root at their mountPath (deleted with the
 * pod); a persistentVolumeClaim volume is the claim's directory (which outlives the pod). The app
 * cannot be chrooted, so the paths it is told are rewritten instead: {@link #rewrite} turns an
 * absolute container path (an env value or argument) into its host path. ConfigMap and Secret
 * files are (re)written at every container start; Kubernetes also refreshes them while running.
 *
 * <pre>
 * &lt;podDir&gt;/fs/...            the container's root (emptyDirs, ConfigMaps, image WORKDIR)
 * &lt;podDir&gt;/logs/container-N.log stdout+stderr of the N-th start (N = restartCount)
 * </pre>
 */
final class PodFileSystem {

    private final Path podDir;
    private final Path root;
    private final Pod pod;
    private final KubernetesClient client;
    /** mountPath to host directory, longest mountPath first. */
    private final Map<String, Path> mounts = new LinkedHashMap<>();

    private final Map<String, VolumeMount> configMounts = new LinkedHashMap<>();

    PodFileSystem(Path podDir, Pod pod, Map<String, Path> claimDirs, KubernetesClient client) {
        this.podDir = podDir;
        this.root = podDir.resolve("fs");
        this.pod = pod;
        this.client = client;
        Map<String, Volume> volumes = new LinkedHashMap<>();
        if (pod.getSpec().getVolumes() != null) {
            pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        }
        List<VolumeMount> declared = pod.getSpec().getContainers().get(0).getVolumeMounts();
        if (declared != null) {
            declared.stream()
                    .sorted(Comparator.comparingInt(
                                    (VolumeMount m) -> m.getMountPath().length())
                            .reversed())
                    .forEach(m -> {
                        Volume volume = volumes.get(m.getName());
                        Path host;
                        if (volume != null && volume.getPersistentVolumeClaim() != null) {
                            host = claimDirs.get(
                                    volume.getPersistentVolumeClaim().getClaimName());
                            if (host == null) {
                                throw new IllegalStateException("claim "
                                        + volume.getPersistentVolumeClaim().getClaimName() + " has no directory");
                            }
                        } else {
                            host = underRoot(m.getMountPath());
                        }
                        if (m.getSubPath() != null && !m.getSubPath().isEmpty()) {
                            host = host.resolve(m.getSubPath());
                        }
                        mounts.put(strip(m.getMountPath()), host);
                        if (volume != null && (volume.getConfigMap() != null || volume.getSecret() != null)) {
                            configMounts.put(m.getName(), m);
                        }
                    });
        }
        mounts.values().forEach(PodFileSystem::mkdirs);
        mkdirs(root.resolve("tmp"));
    }

    Path podDir() {
        return podDir;
    }

    Path logFile(int restart) {
        return podDir.resolve("logs").resolve("container-" + restart + ".log");
    }

    /** The host path of an absolute container path (created if it is a mount or under one). */
    Path hostPath(String containerPath) {
        String path = strip(containerPath);
        for (Map.Entry<String, Path> mount : mounts.entrySet()) {
            String mountPath = mount.getKey();
            if (path.equals(mountPath)) {
                return mount.getValue();
            }
            if (path.startsWith(mountPath + "/")) {
                return mount.getValue().resolve(path.substring(mountPath.length() + 1));
            }
        }
        Path host = underRoot(path);
        return host;
    }

    /** An absolute container path becomes its host path; anything else is returned as is. */
    String rewrite(String value) {
        if (value == null
                || !value.startsWith("/")
                || value.chars().anyMatch(Character::isWhitespace)
                || value.contains(":")
                || value.contains(";")
                || value.contains(",")) {
            return value;
        }
        return hostPath(value).toString();
    }

    /** Writes every ConfigMap and Secret volume's files from the store. */
    void refreshConfigVolumes() {
        Map<String, Volume> volumes = new LinkedHashMap<>();
        pod.getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
        String namespace = pod.getMetadata().getNamespace();
        for (VolumeMount mount : configMounts.values()) {
            Volume volume = volumes.get(mount.getName());
            Path dir = hostPath(mount.getMountPath());
            Map<String, byte[]> files = new LinkedHashMap<>();
            List<KeyToPath> items;
            if (volume.getConfigMap() != null) {
                ConfigMap map = client.configMaps()
                        .inNamespace(namespace)
                        .withName(volume.getConfigMap().getName())
                        .get();
                if (map == null) {
                    throw new IllegalStateException("ConfigMap " + namespace + "/"
                            + volume.getConfigMap().getName() + " not found for pod "
                            + pod.getMetadata().getName());
                }
                if (map.getData() != null) {
                    map.getData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
                }
                if (map.getBinaryData() != null) {
                    map.getBinaryData()
                            .forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
                }
                items = volume.getConfigMap().getItems();
            } else {
                Secret secret = client.secrets()
                        .inNamespace(namespace)
                        .withName(volume.getSecret().getSecretName())
                        .get();
                if (secret == null) {
                    throw new IllegalStateException(
                            "Secret " + volume.getSecret().getSecretName() + " not found for pod "
                                    + pod.getMetadata().getName());
                }
                if (secret.getData() != null) {
                    secret.getData()
                            .forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
                }
                if (secret.getStringData() != null) {
                    secret.getStringData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
                }
                items = volume.getSecret().getItems();
            }
            try {
                if (items != null && !items.isEmpty()) {
                    for (KeyToPath item : items) {
                        byte[] content = files.get(item.getKey());
                        if (content != null) {
                            Path file = dir.resolve(item.getPath());
                            Files.createDirectories(file.getParent());
                            Files.write(file, content);
                        }
                    }
                } else {
                    for (Map.Entry<String, byte[]> file : files.entrySet()) {
                        Files.write(dir.resolve(file.getKey()), file.getValue());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Path underRoot(String containerPath) {
        String relative = strip(containerPath).replaceFirst("^/+", "");
        return relative.isEmpty() ? root : root.resolve(relative);
    }

    private static String strip(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
