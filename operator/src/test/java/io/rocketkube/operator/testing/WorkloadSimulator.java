package io.rocketkube.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.model.Names;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;

/**
 * Plays the Deployment and StatefulSet controllers that fabric8's mock lacks: it creates the pods
 * (and claims) of every managed workload, marks them ready unless told otherwise, recreates
 * deleted pods from the current template, and writes the workloads' status. Each call to
 * {@link #settle()} is one pass of those controllers; tests call it while they wait.
 */
public final class WorkloadSimulator {

    /** How long {@link #settleUntil} waits for what a test expects of the operator. */
    public static final Duration WAIT = Duration.ofSeconds(30);

    private final KubernetesClient client;
    private final String namespace;
    private final FakeBrokerAdmin admin;
    private final Set<String> notReady = ConcurrentHashMap.newKeySet();
    private final Map<String, String> knownPods = new ConcurrentHashMap<>();
    private final List<String> restarts = new CopyOnWriteArrayList<>();
    private final AtomicInteger ips = new AtomicInteger(1);

    public WorkloadSimulator(KubernetesClient client, String namespace, FakeBrokerAdmin admin) {
        this.client = client;
        this.namespace = namespace;
        this.admin = admin;
    }

    /** The pod stays (or becomes) not ready until {@link #makeReady}. */
    public void holdNotReady(String pod) {
        notReady.add(pod);
    }

    public void makeReady(String pod) {
        notReady.remove(pod);
    }

    /** The kubelet's report of a broker container that keeps dying. */
    public void crashLoop(String pod, int restarts) {
        client.pods()
                .inNamespace(namespace)
                .withName(pod)
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        client.getKubernetesSerialization()
                                .asJson(Map.of(
                                        "status",
                                        new PodStatusBuilder()
                                                .addNewContainerStatus()
                                                .withName("broker")
                                                .withRestartCount(restarts)
                                                .withNewState()
                                                .withNewWaiting()
                                                .withReason("CrashLoopBackOff")
                                                .endWaiting()
                                                .endState()
                                                .endContainerStatus()
                                                .build())));
    }

    /**
     * Pods that were deleted and came back, in the order the simulator recreated them; the first
     * creation of a pod is not listed.
     */
    public List<String> restarts() {
        return List.copyOf(restarts);
    }

    /** Waits until {@code assertion} holds, with one {@link #settle()} pass before each try. */
    public void settleUntil(ThrowingRunnable assertion) {
        Awaitility.await().atMost(WAIT).untilAsserted(settledThen(assertion));
    }

    /** As {@link #settleUntil(ThrowingRunnable)}, the first try not before {@code pollDelay}. */
    public void settleUntil(Duration pollDelay, ThrowingRunnable assertion) {
        Awaitility.await().pollDelay(pollDelay).atMost(WAIT).untilAsserted(settledThen(assertion));
    }

    /** Waits until the RocketCluster {@code name} of this namespace is Ready (ClusterReady). */
    public void settleUntilReady(String name) {
        settleUntil(() -> ClusterAssertions.assertCondition(
                client.resources(RocketCluster.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .get(),
                "Ready",
                "True",
                "ClusterReady"));
    }

    private ThrowingRunnable settledThen(ThrowingRunnable assertion) {
        return () -> {
            settle();
            assertion.run();
        };
    }

    public synchronized void settle() {
        try {
            for (Deployment d : client.apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                    .list()
                    .getItems()) {
                settle(d);
            }
            for (StatefulSet sts : client.apps()
                    .statefulSets()
                    .inNamespace(namespace)
                    .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                    .list()
                    .getItems()) {
                settle(sts);
            }
            removeOrphans();
        } catch (KubernetesClientException e) {
            // A write raced with the operator's; the next pass repeats it.
        }
    }

    private void settle(Deployment deployment) {
        String name = deployment.getMetadata().getName();
        int replicas = deployment.getSpec().getReplicas();
        String hash = hash(deployment.getSpec().getTemplate());
        int ready = 0;
        for (int i = 0; i < Math.max(replicas, existingOrdinals(name) + 1); i++) {
            String podName = name + "-" + i;
            Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
            if (i >= replicas) {
                if (pod != null) {
                    client.pods().inNamespace(namespace).withName(podName).delete();
                }
                continue;
            }
            // The Deployment controller replaces pods of an old template; here, all at once.
            if (pod != null && !Objects.equals(hash, podHash(pod))) {
                client.pods().inNamespace(namespace).withName(podName).delete();
                pod = null;
            }
            if (pod == null) {
                pod = createPod(podName, deployment.getSpec().getTemplate(), deployment.getMetadata());
            }
            ready += refreshReadiness(pod) ? 1 : 0;
        }
        patchStatus(
                client.apps().deployments().inNamespace(namespace).withName(name),
                new DeploymentStatusBuilder()
                        .withReplicas(replicas)
                        .withUpdatedReplicas(replicas)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .withObservedGeneration(deployment.getMetadata().getGeneration())
                        .build());
    }

    private void settle(StatefulSet sts) {
        String name = sts.getMetadata().getName();
        int replicas = sts.getSpec().getReplicas();
        int ready = 0;
        for (int i = 0; i < Math.max(replicas, existingOrdinals(name) + 1); i++) {
            String podName = Names.brokerPod(name, i);
            Pod pod = client.pods().inNamespace(namespace).withName(podName).get();
            if (i >= replicas) {
                if (pod != null) {
                    client.pods().inNamespace(namespace).withName(podName).delete();
                }
                continue;
            }
            if (pod == null) {
                claims(sts, podName);
                pod = createPod(podName, sts.getSpec().getTemplate(), sts.getMetadata());
            }
            boolean isReady = refreshReadiness(pod);
            ready += isReady ? 1 : 0;
            if (i == 0) {
                if (isReady) {
                    admin.masterReady(name);
                } else {
                    admin.masterGone(name);
                }
            }
        }
        patchStatus(
                client.apps().statefulSets().inNamespace(namespace).withName(name),
                new StatefulSetStatusBuilder()
                        .withReplicas(replicas)
                        .withReadyReplicas(ready)
                        .withAvailableReplicas(ready)
                        .withObservedGeneration(sts.getMetadata().getGeneration())
                        .build());
    }

    /** The StatefulSet controller creates a pod's claims from the templates before the pod. */
    private void claims(StatefulSet sts, String podName) {
        for (PersistentVolumeClaim template : sts.getSpec().getVolumeClaimTemplates()) {
            String claimName = template.getMetadata().getName() + "-" + podName;
            if (client.persistentVolumeClaims()
                            .inNamespace(namespace)
                            .withName(claimName)
                            .get()
                    == null) {
                client.persistentVolumeClaims()
                        .inNamespace(namespace)
                        .resource(new PersistentVolumeClaimBuilder(template)
                                .editMetadata()
                                .withName(claimName)
                                .withNamespace(namespace)
                                .endMetadata()
                                .build())
                        .create();
            }
        }
    }

    private Pod createPod(String name, PodTemplateSpec template, ObjectMeta owner) {
        Map<String, String> annotations = new LinkedHashMap<>(
                template.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : template.getMetadata().getAnnotations());
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(template.getMetadata().getLabels())
                .withAnnotations(annotations)
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion("apps/v1")
                        .withKind("Workload")
                        .withName(owner.getName())
                        .withUid(owner.getUid())
                        .withController(true)
                        .build())
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
        Pod created = client.pods().inNamespace(namespace).resource(pod).create();
        if (knownPods.put(name, name) != null) {
            restarts.add(name);
        }
        return created;
    }

    /** Writes the pod's Ready condition and IP; returns whether it is ready. */
    private boolean refreshReadiness(Pod pod) {
        String name = pod.getMetadata().getName();
        boolean ready = !notReady.contains(name);
        String current = pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? null
                : pod.getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .map(c -> c.getStatus())
                        .findFirst()
                        .orElse(null);
        String wanted = ready ? "True" : "False";
        if (!wanted.equals(current)) {
            String ip = pod.getStatus() != null && pod.getStatus().getPodIP() != null
                    ? pod.getStatus().getPodIP()
                    : "127.1." + (ips.get() / 250) + "." + (ips.getAndIncrement() % 250);
            patchStatus(
                    client.pods().inNamespace(namespace).withName(name),
                    new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                            .withPhase("Running")
                            .withPodIP(ip)
                            .addNewCondition()
                            .withType("Ready")
                            .withStatus(wanted)
                            .endCondition()
                            .build());
        }
        return ready;
    }

    /** Pods of workloads that no longer exist (the mock has no garbage collector). */
    private void removeOrphans() {
        Set<String> workloads = ConcurrentHashMap.newKeySet();
        client.apps()
                .statefulSets()
                .inNamespace(namespace)
                .list()
                .getItems()
                .forEach(s -> workloads.add(s.getMetadata().getName()));
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .list()
                .getItems()
                .forEach(d -> workloads.add(d.getMetadata().getName()));
        for (Pod pod : client.pods()
                .inNamespace(namespace)
                .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                .list()
                .getItems()) {
            String owner = pod.getMetadata().getOwnerReferences().isEmpty()
                    ? null
                    : pod.getMetadata().getOwnerReferences().get(0).getName();
            if (owner != null && !workloads.contains(owner)) {
                client.pods().inNamespace(namespace).resource(pod).delete();
                if (Names.podOrdinal(pod.getMetadata().getName()) == 0) {
                    admin.masterGone(owner);
                }
            }
        }
    }

    /**
     * A merge patch of the status alone: writing back a whole object read earlier would undo the
     * operator's changes made in between (the mock treats a built-in kind's status as plain data).
     */
    private void patchStatus(io.fabric8.kubernetes.client.dsl.Resource<?> resource, Object status) {
        resource.patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                        io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                client.getKubernetesSerialization().asJson(Map.of("status", status)));
    }

    private int existingOrdinals(String workload) {
        return client
                .pods()
                .inNamespace(namespace)
                .withLabel(Labels.MANAGED_BY, Labels.OPERATOR)
                .list()
                .getItems()
                .stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> n.startsWith(workload + "-")
                        && Names.podOrdinal(n) >= 0
                        && n.substring(workload.length() + 1).equals(String.valueOf(Names.podOrdinal(n))))
                .mapToInt(Names::podOrdinal)
                .max()
                .orElse(-1);
    }

    private static String hash(PodTemplateSpec template) {
        return template.getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    }

    private static String podHash(Pod pod) {
        return pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    }
}
