package io.rocketkube.e2e.k8s;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.cluster.StandInOptions;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The stand-in as the tests run it: probes polled at least every second (declared budgets kept),
 * the operator's busy re-check every second, and the hosts file this JVM was started with
 * ({@code -Djdk.net.hosts.file}, set by the pom's argLine).
 */
final class StandInCluster {

    private StandInCluster() {}

    static ClusterStandIn start() {
        return start(Map.of());
    }

    /** With more operator properties (e.g. a shorter route refresh) on top of the defaults. */
    static ClusterStandIn start(Map<String, String> operatorProperties) {
        String hosts = System.getProperty("rocketkube.e2e.hosts-file");
        if (hosts == null || !hosts.equals(System.getProperty("jdk.net.hosts.file"))) {
            throw new IllegalStateException("run with -Djdk.net.hosts.file=<file> "
                    + "-Drocketkube.e2e.hosts-file=<same file> (the e2e/k8s pom sets both)");
        }
        Path data = E2eLayout.newRunDir("stand-in");
        StandInOptions options = StandInOptions.defaults(E2eLayout.root(), data, Path.of(hosts))
                .withProbePeriodCap(Duration.ofSeconds(1))
                .withOperatorProperties(withDefaults(operatorProperties));
        return ClusterStandIn.start(options);
    }

    private static Map<String, String> withDefaults(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("rocketkube.operator.busy-interval", "1s");
        return all;
    }

    /**
     * {@code kubectl apply -n <namespace> -f} the shipped example, after {@code edit} (a text
     * replacement of the YAML, e.g. the role), from a copy under the run directory.
     */
    static void applyExample(ClusterStandIn cluster, String namespace, UnaryOperator<String> edit) {
        try {
            String yaml = edit.apply(Files.readString(E2eLayout.root().resolve("deploy/examples/rocketcluster.yaml")));
            Path copy = Files.createTempFile(E2eLayout.newRunDir("example"), "rkc", ".yaml");
            Files.writeString(copy, yaml);
            cluster.kubectl()
                    .run("apply", "-n", namespace, "-f", copy.toString())
                    .orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl patch rkc orders -n <namespace> --type merge -p <patch>}: a user's edit of the example. */
    static void patchOrders(ClusterStandIn cluster, String namespace, String mergePatch) {
        cluster.kubectl()
                .run("patch", "rkc", "orders", "-n", namespace, "--type", "merge", "-p", mergePatch)
                .orThrow();
    }

    /** Waits until RocketCluster {@code name} is Ready with every group ready; returns the wait. */
    static Duration awaitReady(ClusterStandIn cluster, String namespace, String name, String groups) {
        long t0 = System.nanoTime();
        await("RocketCluster " + namespace + "/" + name + " Ready, groups " + groups)
                .atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> cluster.kubectl()
                        .run(
                                "get",
                                "rkc",
                                name,
                                "-n",
                                namespace,
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.groupsReady}")
                        .output()
                        .trim()
                        .equals("True " + groups));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Whether the pod's status says Ready=True. */
    static boolean ready(Pod pod) {
        return pod != null
                && pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Milliseconds between two {@link System#nanoTime} readings. */
    static long millis(long fromNanos, long toNanos) {
        return Duration.ofNanos(toNanos - fromNanos).toMillis();
    }
}
