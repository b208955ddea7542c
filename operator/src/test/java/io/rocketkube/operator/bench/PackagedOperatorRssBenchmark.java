package io.rocketkube.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.reconcile.OperatorHarness;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resident memory of the packaged operator ({@code target/quarkus-app/quarkus-run.jar}, built by
 * {@code ./mvnw -pl operator -am package -DskipTests}) reconciling 50 RocketClusters in a mock API
 * server on loopback. The operator runs in its own JVM, so its RSS is its own.
 */
@Tag("benchmark")
@Timeout(600)
class PackagedOperatorRssBenchmark {

    private static final int CLUSTERS = 50;

    @Test
    void residentMemoryWith50Clusters() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertThat(jar).as("package the operator first").exists();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        Process operator = null;
        try (KubernetesClient client = server.createClient()) {
            OperatorHarness.installCrd(client);
            Path log = Path.of("target", "packaged-operator.log");
            ProcessBuilder pb = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=0",
                    "-Dquarkus.kubernetes-client.api-server-url=" + client.getMasterUrl(),
                    "-Dquarkus.kubernetes-client.trust-certs=true",
                    // One operator, and the mock cannot answer JOSDK's Lease permission check.
                    "-Drocketkube.operator.leader-election=false",
                    "-jar",
                    jar.toString());
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            operator = pb.start();
            long start = System.nanoTime();
            for (int i = 0; i < CLUSTERS; i++) {
                client.resource(OperatorHarness.cluster("rss-" + i, "c" + i, 2)).create();
            }
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> client.apps()
                                    .statefulSets()
                                    .inAnyNamespace()
                                    .withLabelSelector(Labels.MANAGED_SELECTOR)
                                    .list()
                                    .getItems()
                                    .size()
                            == 2 * CLUSTERS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            String settled = rss(operator.pid());
            // A minute of steady state: every cluster is re-checked on the busy interval, as none of
            // them ever gets ready pods here.
            await().pollDelay(Duration.ofSeconds(60))
                    .atMost(Duration.ofSeconds(61))
                    .until(() -> true);
            List<String> lines = List.of(
                    String.format(
                            "packaged operator, %d clusters: all StatefulSets after %d ms (operator JVM start included)",
                            CLUSTERS, millis),
                    "packaged operator RSS when all dependents existed: " + settled,
                    "packaged operator RSS after 60 s more: " + rss(operator.pid()));
            lines.forEach(System.out::println);
            Files.write(Path.of("target", "benchmark-rss.txt"), lines);
        } finally {
            if (operator != null) {
                operator.destroy();
                operator.waitFor(30, TimeUnit.SECONDS);
            }
            server.destroy();
        }
    }

    private static String rss(long pid) throws IOException {
        return Files.readAllLines(new File("/proc/" + pid + "/status").toPath()).stream()
                .filter(l -> l.startsWith("VmRSS"))
                .map(l -> l.substring(6).trim())
                .findFirst()
                .orElse("unknown");
    }
}
