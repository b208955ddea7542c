package io.rocketkube.operator.bench;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.reconcile.OperatorHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Time from creating N RocketClusters (2 groups each, one per namespace) until every dependent of
 * every cluster exists in fabric8's mock, for N = 1, 10 and 50, and the test JVM's resident memory
 * once 50 clusters are reconciled. Run with the command in operator/README.md; results go to stdout
 * and operator/target/benchmark.txt.
 */
@Tag("benchmark")
@Timeout(600)
@EnableKubernetesMockClient(crud = true, https = false)
class ReconcileBenchmark {

    /** Deployment, 2 NameServer Services, NameServer PDB, ConfigMap, and per group STS, Service, PDB. */
    private static final int OBJECTS_PER_CLUSTER = 5 + 2 * 3;

    KubernetesClient client;

    @Test
    void createToAllDependents() throws IOException {
        List<String> lines = new ArrayList<>();
        try (OperatorHarness harness = new OperatorHarness(client)) {
            int created = 0;
            for (int n : new int[] {1, 10, 50}) {
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    harness.create(OperatorHarness.cluster("bench-" + n + "-" + i, "c" + i, 2));
                }
                int expected = (created + n) * OBJECTS_PER_CLUSTER;
                await().atMost(Duration.ofMinutes(5))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> countOwned() >= expected);
                long millis = (System.nanoTime() - start) / 1_000_000;
                created += n;
                lines.add(String.format(
                        "%3d clusters: %6d ms create-to-all-dependents (%d objects)",
                        n, millis, n * OBJECTS_PER_CLUSTER));
            }
            System.gc();
            lines.add(String.format(
                    "test JVM after %d clusters: VmRSS %s, heap used %d MiB",
                    created,
                    rss(),
                    (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20));
        }
        lines.forEach(System.out::println);
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "benchmark.txt"), lines);
    }

    private int countOwned() {
        String selector = Labels.MANAGED_SELECTOR;
        return client.apps()
                        .deployments()
                        .inAnyNamespace()
                        .withLabelSelector(selector)
                        .list()
                        .getItems()
                        .size()
                + client.apps()
                        .statefulSets()
                        .inAnyNamespace()
                        .withLabelSelector(selector)
                        .list()
                        .getItems()
                        .size()
                + client.services()
                        .inAnyNamespace()
                        .withLabelSelector(selector)
                        .list()
                        .getItems()
                        .size()
                + client.configMaps()
                        .inAnyNamespace()
                        .withLabelSelector(selector)
                        .list()
                        .getItems()
                        .size()
                + client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inAnyNamespace()
                        .withLabelSelector(selector)
                        .list()
                        .getItems()
                        .size();
    }

    private static String rss() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS"))
                .map(l -> l.substring(6).trim())
                .findFirst()
                .orElse("unknown");
    }
}
