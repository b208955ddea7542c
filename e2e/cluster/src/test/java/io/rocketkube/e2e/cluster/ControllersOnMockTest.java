package io.rocketkube.e2e.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rocketkube.e2e.cluster.runner.PodRunner;
import io.rocketkube.e2e.cluster.runner.RunnerOptions;
import io.rocketkube.e2e.testkit.ChildProcess;
import io.rocketkube.e2e.testkit.E2eLayout;
import io.rocketkube.e2e.testkit.JavaCommand;
import io.rocketkube.e2e.testkit.Loopback;
import io.rocketkube.e2e.testkit.ReadinessProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's API server with the real kubectl, and the workload controllers and provisioner of
 * the pod runner, without any pod JVM: the image is deliberately unmapped, so pods stay Pending
 * (ErrImagePull) and never become Ready, which is what OrderedReady must wait for.
 */
class ControllersOnMockTest {

    private static ChildProcess api;
    private static KubernetesClient client;
    private static PodRunner runner;
    private static Kubectl kubectl;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = E2eLayout.newRunDir("controllers");
        String host = Loopback.newAddress();
        int port = Loopback.freePort(host);
        Path target = Path.of("target").toAbsolutePath();
        String classpath = Files.readString(target.resolve("cluster.classpath"), StandardCharsets.UTF_8)
                        .trim()
                + java.io.File.pathSeparator
                + target.resolve("classes");
        api = ChildProcess.start(
                "api-server",
                JavaCommand.mainClass(classpath, "io.rocketkube.e2e.cluster.api.ApiServerMain")
                        .jvmOptions("-Xmx128m")
                        .arguments(host, String.valueOf(port))
                        .toList(),
                dir,
                Map.of(),
                dir.resolve("api-server.log"));
        String url = "http://" + host + ":" + port;
        api.awaitReady(ReadinessProbe.http200(url + "/version"), Duration.ofSeconds(60));
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: s, cluster: {server: "%s"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: c, context: {cluster: s, user: u, namespace: default}}]
        current-context: c
        """.formatted(url));
        kubectl = new Kubectl(kubeconfig);
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty()).withMasterUrl(url).build())
                .build();
        runner = new PodRunner(
                        client,
                        new RunnerOptions(dir, dir.resolve("hosts"), Map.of(), null, Duration.ofMillis(100), List.of()))
                .start();
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void kubectlAppliesTheInstallManifestsAndReadsThemBack() {
        kubectl.run("apply", "-f", E2eLayout.root().resolve("deploy/install").toString())
                .orThrow();
        assertThat(kubectl.run("get", "crd", "-o", "name").orThrow().output()).contains("rocketclusters.rocketkube.io");
        kubectl.run(
                        "apply",
                        "-n",
                        "ctl",
                        "-f",
                        E2eLayout.root()
                                .resolve("deploy/examples/rocketcluster.yaml")
                                .toString())
                .orThrow();
        assertThat(kubectl.run("get", "rkc", "orders", "-n", "ctl", "-o", "jsonpath={.spec.broker.groups}")
                        .orThrow()
                        .output())
                .isEqualTo("2");
        kubectl.run(
                        "patch",
                        "rkc",
                        "orders",
                        "-n",
                        "ctl",
                        "--type",
                        "merge",
                        "-p",
                        "{\"spec\":{\"broker\":{\"groups\":3}}}")
                .orThrow();
        assertThat(kubectl.run("get", "rkc", "orders", "-n", "ctl", "-o", "jsonpath={.spec.broker.groups}")
                        .orThrow()
                        .output())
                .isEqualTo("3");
    }

    /** kubectl sends this one as protobuf; the front turns it into JSON for the mock. */
    @Test
    void kubectlCreatesANamespace() {
        kubectl.run("create", "namespace", "made-by-kubectl").orThrow();
        assertThat(kubectl.run("get", "namespace", "made-by-kubectl", "-o", "jsonpath={.metadata.name}")
                        .orThrow()
                        .output())
                .isEqualTo("made-by-kubectl");
        assertThat(client.namespaces().withName("made-by-kubectl").get()).isNotNull();
        // A second create is refused as on a real API server.
        assertThat(kubectl.run("create", "namespace", "made-by-kubectl").exitCode())
                .isNotZero();
    }

    @Test
    void parallelStatefulSetGetsOrdinalPodsAndClaimsAndScalesInFromTheTop() throws Exception {
        Path manifest = dir.resolve("parallel.yaml");
        Files.writeString(manifest, statefulSet("par", "Parallel", 3));
        kubectl.run("apply", "-n", "sts", "-f", manifest.toString()).orThrow();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(podNames("sts", "par")).containsExactlyInAnyOrder("par-0", "par-1", "par-2");
            assertThat(claimNames("sts")).containsExactlyInAnyOrder("data-par-0", "data-par-1", "data-par-2");
            assertThat(Files.isDirectory(dir.resolve("claims/sts/data-par-2"))).isTrue();
            Pod pod = client.pods().inNamespace("sts").withName("par-1").get();
            assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(pod.getStatus()
                            .getContainerStatuses()
                            .get(0)
                            .getState()
                            .getWaiting()
                            .getReason())
                    .isEqualTo("ErrImagePull");
            assertThat(pod.getMetadata().getLabels()).containsKey("controller-revision-hash");
            assertThat(pod.getSpec().getVolumes())
                    .anyMatch(v -> v.getPersistentVolumeClaim() != null
                            && "data-par-1".equals(v.getPersistentVolumeClaim().getClaimName()));
            var status = client.apps()
                    .statefulSets()
                    .inNamespace("sts")
                    .withName("par")
                    .get()
                    .getStatus();
            assertThat(status.getReplicas()).isEqualTo(3);
            assertThat(status.getReadyReplicas()).isZero();
            assertThat(status.getUpdateRevision()).startsWith("par-");
        });

        kubectl.run("patch", "statefulset", "par", "-n", "sts", "--type", "merge", "-p", "{\"spec\":{\"replicas\":1}}")
                .orThrow();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(podNames("sts", "par")).containsExactly("par-0");
            // whenScaled: Delete removes the surplus claims and their directories.
            assertThat(claimNames("sts")).containsExactly("data-par-0");
            assertThat(Files.exists(dir.resolve("claims/sts/data-par-2"))).isFalse();
            assertThat(client.apps()
                            .statefulSets()
                            .inNamespace("sts")
                            .withName("par")
                            .get()
                            .getStatus()
                            .getReplicas())
                    .isEqualTo(1);
        });

        kubectl.run("delete", "statefulset", "par", "-n", "sts").orThrow();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(podNames("sts", "par")).isEmpty());
    }

    @Test
    void orderedReadyStatefulSetWaitsForEachPodToBeReady() throws Exception {
        Path manifest = dir.resolve("ordered.yaml");
        Files.writeString(manifest, statefulSet("ord", "OrderedReady", 3));
        kubectl.run("apply", "-n", "ord", "-f", manifest.toString()).orThrow();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(podNames("ord", "ord")).containsExactly("ord-0"));
        // ord-0 never becomes Ready (unmapped image): ord-1 must not appear.
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(podNames("ord", "ord")).containsExactly("ord-0"));
    }

    private static List<String> podNames(String namespace, String prefix) {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> n.startsWith(prefix + "-"))
                .sorted()
                .toList();
    }

    private static List<String> claimNames(String namespace) {
        return client.persistentVolumeClaims().inNamespace(namespace).list().getItems().stream()
                .map(c -> c.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static String statefulSet(String name, String policy, int replicas) {
        return """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: %1$s
        spec:
          replicas: %3$d
          serviceName: %1$s
          podManagementPolicy: %2$s
          selector: {matchLabels: {app: %1$s}}
          persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              containers:
              - name: main
                image: example.invalid/not-mapped:1
                volumeMounts: [{name: data, mountPath: /data}]
          volumeClaimTemplates:
          - metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
        """.formatted(name, policy, replicas);
    }
}
