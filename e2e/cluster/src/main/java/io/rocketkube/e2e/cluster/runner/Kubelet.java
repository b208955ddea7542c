package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.rocketkube.e2e.testkit.Loopback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node agent: keeps one {@link PodProcess} per Pod in the store, stops the process of a Pod
 * that is gone (its grace period in the background, so one slow shutdown never delays the others),
 * and writes each Pod's status back.
 *
 * <p>The fabric8 mock deletes a Pod at once, without a Terminating phase; {@link #isTerminating}
 * lets the StatefulSet controller wait until the old process is gone before it creates a Pod of
 * the same name (which a real API server guarantees by keeping the old object until then). A Pod
 * whose image is not mapped to a local app stays Pending with reason ErrImagePull.
 *
 * <p>Thread-safety: {@link #sync} runs on the runner's single sync thread; the maps are concurrent
 * because terminations finish on other threads and tests read pids and readiness.
 */
final class Kubelet implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Kubelet.class.getName());

    private final KubernetesClient client;
    private final RunnerOptions options;
    private final ClaimStore claims;
    private final PodEnvironment environment;
    private final Map<String, PodProcess> running = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> ticks = new ConcurrentHashMap<>();
    private final Set<String> terminating = ConcurrentHashMap.newKeySet();
    private final Map<String, PodStatus> written = new HashMap<>();
    private final Set<String> unmapped = new HashSet<>();
    private final ScheduledExecutorService probes = Executors.newScheduledThreadPool(4, daemon("probes"));
    private final ExecutorService stopper = Executors.newCachedThreadPool(daemon("pod-stop"));

    Kubelet(KubernetesClient client, RunnerOptions options, ClaimStore claims) {
        this.client = client;
        this.options = options;
        this.claims = claims;
        this.environment = new PodEnvironment(client);
    }

    boolean isTerminating(String namespace, String name) {
        return terminating.contains(namespace + "/" + name);
    }

    /** Claims in use by a running or stopping pod ({@code namespace/claim}). */
    Set<String> claimsInUse() {
        Set<String> inUse = new HashSet<>();
        running.values().forEach(p -> inUse.addAll(p.claims()));
        return inUse;
    }

    /** Readiness as this kubelet last saw it, by pod uid. */
    Map<String, Boolean> readiness() {
        Map<String, Boolean> ready = new HashMap<>();
        running.forEach((uid, p) -> ready.put(uid, p.isReady()));
        return ready;
    }

    /** The running process of a pod, for tests that signal it (SIGSTOP, SIGKILL). */
    PodProcess process(String namespace, String name) {
        return running.values().stream()
                .filter(p -> p.key().equals(namespace + "/" + name))
                .findFirst()
                .orElse(null);
    }

    void sync(List<Pod> pods) {
        Set<String> present = new HashSet<>();
        for (Pod pod : pods) {
            String uid = pod.getMetadata().getUid();
            present.add(uid);
            if (running.containsKey(uid) || unmapped.contains(uid)) {
                continue;
            }
            String image = pod.getSpec().getContainers().get(0).getImage();
            AppImage app = options.appFor(image);
            if (app == null) {
                unmapped.add(uid);
                patchStatus(
                        pod,
                        new PodStatusBuilder()
                                .withPhase("Pending")
                                .addNewCondition()
                                .withType("PodScheduled")
                                .withStatus("True")
                                .endCondition()
                                .addNewContainerStatus()
                                .withName(pod.getSpec().getContainers().get(0).getName())
                                .withImage(image)
                                .withReady(false)
                                .withRestartCount(0)
                                .withNewState()
                                .withNewWaiting()
                                .withReason("ErrImagePull")
                                .withMessage("image " + image + " is not mapped to a local app in the stand-in")
                                .endWaiting()
                                .endState()
                                .endContainerStatus()
                                .build());
                continue;
            }
            if (isTerminating(
                    pod.getMetadata().getNamespace(), pod.getMetadata().getName())) {
                continue;
            }
            start(pod, app);
        }
        for (String uid : Set.copyOf(running.keySet())) {
            if (!present.contains(uid)) {
                stop(uid, true);
            }
        }
        unmapped.retainAll(present);
        written.keySet().retainAll(present);
        for (Pod pod : pods) {
            PodProcess process = running.get(pod.getMetadata().getUid());
            if (process == null) {
                continue;
            }
            PodStatus status = process.status();
            PodStatus stored = pod.getStatus();
            boolean lost = stored == null || !process.ip().equals(stored.getPodIP());
            if (lost || !status.equals(written.get(pod.getMetadata().getUid()))) {
                patchStatus(pod, status);
                written.put(pod.getMetadata().getUid(), status);
            }
        }
    }

    private void start(Pod pod, AppImage app) {
        String namespace = pod.getMetadata().getNamespace();
        try {
            Map<String, Path> claimDirs = new HashMap<>();
            if (pod.getSpec().getVolumes() != null) {
                pod.getSpec().getVolumes().stream()
                        .filter(v -> v.getPersistentVolumeClaim() != null)
                        .forEach(v -> {
                            String claim = v.getPersistentVolumeClaim().getClaimName();
                            claimDirs.put(claim, claims.directory(namespace, claim));
                        });
            }
            Path podDir = options.dataDir()
                    .resolve("pods")
                    .resolve(namespace)
                    .resolve(pod.getMetadata().getName() + "-"
                            + pod.getMetadata().getUid());
            PodFileSystem fs = new PodFileSystem(podDir, pod, claimDirs, client);
            PodProcess process = new PodProcess(
                    pod,
                    app,
                    Loopback.newAddress(),
                    fs,
                    environment,
                    options,
                    claimDirs.keySet().stream().map(c -> namespace + "/" + c).toList());
            process.startContainer();
            running.put(pod.getMetadata().getUid(), process);
            ticks.put(
                    pod.getMetadata().getUid(),
                    probes.scheduleWithFixedDelay(
                            () -> {
                                try {
                                    process.tick();
                                } catch (RuntimeException e) {
                                    LOG.log(Level.WARNING, "tick of " + process.key() + " failed", e);
                                }
                            },
                            100,
                            100,
                            TimeUnit.MILLISECONDS));
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot start pod " + namespace + "/" + pod.getMetadata().getName() + " yet: " + e.getMessage());
        }
    }

    private void stop(String uid, boolean deleteDir) {
        PodProcess process = running.remove(uid);
        ScheduledFuture<?> tick = ticks.remove(uid);
        if (tick != null) {
            tick.cancel(false);
        }
        terminating.add(process.key());
        stopper.submit(() -> {
            try {
                process.terminate();
                if (deleteDir) {
                    deleteRecursively(process.podDir());
                }
            } finally {
                terminating.remove(process.key());
            }
        });
    }

    private void patchStatus(Pod pod, PodStatus status) {
        try {
            StatusPatch.replace(
                    client.pods()
                            .inNamespace(pod.getMetadata().getNamespace())
                            .withName(pod.getMetadata().getName()),
                    status);
        } catch (RuntimeException e) {
            LOG.fine(() -> "status of " + pod.getMetadata().getName() + " not written: " + e);
        }
    }

    /**
     * Stops every pod (SIGTERM, grace, SIGKILL), all at once, and waits for them. Their directories
     * (logs, emptyDirs) stay for a look after a failed run.
     */
    @Override
    public void close() {
        for (String uid : Set.copyOf(running.keySet())) {
            stop(uid, false);
        }
        probes.shutdownNow();
        stopper.shutdown();
        try {
            if (!stopper.awaitTermination(120, TimeUnit.SECONDS)) {
                LOG.warning("pods still stopping after 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.fine(() -> "cannot delete " + p + ": " + e);
                }
            });
        } catch (IOException e) {
            LOG.fine(() -> "cannot delete " + dir + ": " + e);
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, "runner-" + name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
