package io.rocketkube.e2e.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The stand-in from the command line: {@code up [dataDir]} starts it and runs until Ctrl-C
 * (SIGTERM), then stops every process it started. Prints the kubeconfig and hosts file to use:
 *
 * <pre>
 * java -cp "$(cat e2e/cluster/target/cluster.classpath):e2e/cluster/target/classes" \
 *     io.rocketkube.e2e.cluster.StandInMain up target/stand-in
 * </pre>
 *
 * Options (system properties): {@code -Drocketkube.standin.root=<repo>} (default: the working
 * directory), {@code -Drocketkube.standin.probe-period-cap=1s}.
 */
public final class StandInMain {

    private StandInMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !"up".equals(args[0])) {
            System.err.println("usage: StandInMain up [dataDir]");
            System.exit(2);
        }
        Path root = Path.of(System.getProperty("rocketkube.standin.root", "."))
                .toAbsolutePath()
                .normalize();
        Path data = Path.of(args.length > 1 ? args[1] : "target/stand-in").toAbsolutePath();
        StandInOptions options = StandInOptions.defaults(root, data, data.resolve("hosts"));
        String cap = System.getProperty("rocketkube.standin.probe-period-cap");
        if (cap != null) {
            options = options.withProbePeriodCap(Duration.parse("PT" + cap.toUpperCase()));
        }
        ClusterStandIn standIn = ClusterStandIn.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            standIn.close();
                            stopped.countDown();
                        },
                        "stand-in-stop"));
        System.out.println("stand-in up: API " + standIn.apiUrl());
        System.out.println("  export KUBECONFIG=" + standIn.kubeconfig());
        System.out.println("  kubectl apply --validate=false -n mq -f deploy/examples/rocketcluster.yaml");
        System.out.println(
                "  clients: java " + String.join(" ", ClusterStandIn.hostsJvmOptions(options.hostsFile())) + " ...");
        System.out.println("Ctrl-C stops every process it started.");
        stopped.await();
    }
}
