package io.rocketkube.e2e.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.rocketkube.e2e.cluster.runner.AppImage;
import io.rocketkube.e2e.cluster.runner.PodRunner;
import io.rocketkube.e2e.cluster.runner.RunnerOptions;
import io.rocketkube.e2e.testkit.ChildProcess;
import io.rocketkube.e2e.testkit.JavaCommand;
import io.rocketkube.e2e.testkit.Loopback;
import io.rocketkube.e2e.testkit.ReadinessProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A Kubernetes stand-in on loopback, in the order a cluster admin would build it: the API server
 * (fabric8 CRUD mock + discovery, {@link io.rocketkube.e2e.cluster.api.ApiServerMain}) as a child
 * process, a kubeconfig for it, {@code kubectl apply -f deploy/install}, the packaged operator as a
 * child process, and the {@link PodRunner}. {@link #close} stops them in reverse order, each by its
 * own PID; the testkit's shutdown hook kills whatever is left if the JVM dies first.
 *
 * <pre>
 * &lt;dataDir&gt;/kubeconfig         for kubectl and clients
 * &lt;dataDir&gt;/logs/api-server.log, operator.log
 * &lt;dataDir&gt;/pods/&lt;ns&gt;/&lt;pod&gt;-&lt;uid&gt;/  each pod's file system and logs (removed with the pod)
 * &lt;dataDir&gt;/claims/&lt;ns&gt;/&lt;claim&gt;/   each PVC's data (removed with the claim)
 * </pre>
 */
public final class ClusterStandIn implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterStandIn.class.getName());

    private final StandInOptions options;
    private final List<AutoCloseable> started = new ArrayList<>();
    private String apiUrl;
    private Path kubeconfig;
    private KubernetesClient client;
    private PodRunner runner;
    private Kubectl kubectl;
    private ChildProcess operator;

    private ClusterStandIn(StandInOptions options) {
        this.options = options;
    }

    /** Starts everything; on failure stops what was started and rethrows. */
    public static ClusterStandIn start(StandInOptions options) {
        ClusterStandIn standIn = new ClusterStandIn(options);
        try {
            standIn.boot();
            return standIn;
        } catch (RuntimeException | Error e) {
            standIn.close();
            throw e;
        }
    }

    private void boot() {
        long t0 = System.nanoTime();
        Path data = options.dataDir();
        mkdirs(data.resolve("logs"));
        startApiServer(data);
        kubeconfig = data.resolve("kubeconfig");
        writeKubeconfig(kubeconfig, apiUrl);
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty())
                        .withMasterUrl(apiUrl)
                        .withNamespace("default")
                        .withRequestTimeout(10_000)
                        .build())
                .build();
        started.add(client);
        kubectl = new Kubectl(kubeconfig);
        kubectl.run("apply", "-f", options.root().resolve("deploy/install").toString())
                .orThrow();
        Map<String, AppImage> images = Map.of(
                "rocketkube-namesrv", new AppImage(jar("namesrv-service"), options.namesrvJvm(), "/deployments"),
                "rocketkube-broker", new AppImage(jar("broker-service"), options.brokerJvm(), "/deployments"));
        runner = new PodRunner(
                client,
                new RunnerOptions(
                        data,
                        options.hostsFile(),
                        images,
                        options.probePeriodCap(),
                        Duration.ofMillis(250),
                        hostsJvmOptions(options.hostsFile())));
        started.add(runner);
        runner.start();
        startOperator(data);
        LOG.info(() ->
                "stand-in up in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms: API " + apiUrl
                        + ", kubeconfig " + kubeconfig);
    }

    /** Options that make a JVM resolve names from the stand-in's hosts file, uncached. */
    public static List<String> hostsJvmOptions(Path hostsFile) {
        return List.of(
                "-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath(),
                "-Dsun.net.inetaddr.ttl=0",
                "-Dsun.net.inetaddr.negative.ttl=0");
    }

    private void startApiServer(Path data) {
        String host = Loopback.newAddress();
        int port = Loopback.freePort(host);
        String classpath = classpath();
        ChildProcess api = ChildProcess.start(
                "api-server",
                JavaCommand.mainClass(classpath, "io.rocketkube.e2e.cluster.api.ApiServerMain")
                        .jvmOptions("-Xmx256m", "-XX:+UseSerialGC")
                        .arguments(host, String.valueOf(port))
                        .toList(),
                data,
                Map.of(),
                data.resolve("logs/api-server.log"));
        started.add(() -> api.stop(Duration.ofSeconds(5)));
        apiUrl = "http://" + host + ":" + port;
        api.awaitReady(ReadinessProbe.http200(apiUrl + "/version"), Duration.ofSeconds(60));
    }

    private void startOperator(Path data) {
        String host = Loopback.newAddress();
        int port = Loopback.freePort(host);
        JavaCommand command = JavaCommand.jar(jar("operator"))
                .jvmOptions("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .jvmOptions(hostsJvmOptions(options.hostsFile()).toArray(String[]::new))
                .systemProperty("quarkus.http.host", host)
                .systemProperty("quarkus.http.port", port)
                .systemProperties(options.operatorProperties());
        Map<String, String> env = Map.of(
                "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL",
                apiUrl,
                "KUBERNETES_NAMESPACE",
                "rocketkube",
                "KUBECONFIG",
                kubeconfig.toString(),
                "PATH",
                System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        operator = ChildProcess.start("operator", command.toList(), data, env, data.resolve("logs/operator.log"));
        ChildProcess op = operator;
        started.add(() -> op.stop(Duration.ofSeconds(10)));
        operator.awaitReady(
                ReadinessProbe.http200("http://" + host + ":" + port + "/q/health/ready"), Duration.ofSeconds(120));
    }

    private Path jar(String module) {
        Path jar = options.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw -B package -DskipTests first");
        }
        return jar;
    }

    private String classpath() {
        Path module = options.root().resolve("e2e/cluster/target");
        try {
            return Files.readString(module.resolve("cluster.classpath"), StandardCharsets.UTF_8)
                            .trim()
                    + java.io.File.pathSeparator
                    + module.resolve("classes");
        } catch (IOException e) {
            throw new IllegalStateException(
                    module + "/cluster.classpath is missing: build e2e/cluster"
                            + " first (./mvnw -B package -DskipTests -pl e2e/cluster -am)",
                    e);
        }
    }

    private static void writeKubeconfig(Path file, String url) {
        String text = """
        # The RocketKube cluster stand-in (fabric8 CRUD mock behind a discovery front).
        # kubectl needs --validate=false; see e2e/README.md for what works.
        apiVersion: v1
        kind: Config
        clusters:
        - name: stand-in
          cluster: {server: "%s"}
        users:
        - name: stand-in
          user: {token: stand-in}
        contexts:
        - name: stand-in
          context: {cluster: stand-in, user: stand-in, namespace: default}
        current-context: stand-in
        """.formatted(url);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String apiUrl() {
        return apiUrl;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public KubernetesClient client() {
        return client;
    }

    public Kubectl kubectl() {
        return kubectl;
    }

    public PodRunner runner() {
        return runner;
    }

    public ChildProcess operator() {
        return operator;
    }

    /** Stops the pods, the operator, then the API server, each by its own PID. */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warning("stopping " + started.get(i) + " failed: " + e);
            }
        }
        started.clear();
    }
}
