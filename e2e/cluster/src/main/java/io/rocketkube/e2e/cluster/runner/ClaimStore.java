package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The storage provisioner: each PersistentVolumeClaim in the store is a directory
 * {@code <dataDir>/claims/<namespace>/<claim>}, created when first needed and marked Bound, and
 * deleted when the claim is gone from the store and no pod process uses it any more. The directory
 * outlives pods, container restarts and StatefulSet deletion, as a volume does.
 *
 * <p>Thread-safety: used from the runner's sync thread only.
 */
final class ClaimStore {

    private static final Logger LOG = Logger.getLogger(ClaimStore.class.getName());

    private final KubernetesClient client;
    private final Path root;
    private final Set<String> bound = new HashSet<>();

    ClaimStore(KubernetesClient client, Path dataDir) {
        this.client = client;
        this.root = dataDir.resolve("claims");
    }

    Path directory(String namespace, String claim) {
        Path dir = root.resolve(namespace).resolve(claim);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    void sync(List<PersistentVolumeClaim> stored, Set<String> inUse) {
        Set<String> present = new HashSet<>();
        for (PersistentVolumeClaim claim : stored) {
            String key = claim.getMetadata().getNamespace() + "/"
                    + claim.getMetadata().getName();
            present.add(key);
            if (claim.getStatus() == null || !"Bound".equals(claim.getStatus().getPhase())) {
                if (bound.add(key) || claim.getStatus() == null) {
                    directory(
                            claim.getMetadata().getNamespace(),
                            claim.getMetadata().getName());
                    client.persistentVolumeClaims()
                            .inNamespace(claim.getMetadata().getNamespace())
                            .withName(claim.getMetadata().getName())
                            .patch(
                                    PatchContext.of(PatchType.JSON_MERGE),
                                    "{\"status\":{\"phase\":\"Bound\",\"accessModes\":[\"ReadWriteOnce\"]}}");
                }
            }
        }
        bound.retainAll(present);
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> namespaces = Files.list(root)) {
            for (Path namespace : namespaces.toList()) {
                try (Stream<Path> dirs = Files.list(namespace)) {
                    for (Path dir : dirs.toList()) {
                        String key = namespace.getFileName() + "/" + dir.getFileName();
                        if (!present.contains(key) && !inUse.contains(key)) {
                            LOG.info(() -> "claim " + key + " deleted: removing " + dir);
                            Kubelet.deleteRecursively(dir);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
