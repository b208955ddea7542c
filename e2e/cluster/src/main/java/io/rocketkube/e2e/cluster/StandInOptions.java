package io.rocketkube.e2e.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to bring up the stand-in.
 *
 * @param root the repository root (deploy/install, the packaged apps)
 * @param dataDir where everything goes: kubeconfig, hosts file, logs, pods, claims
 * @param hostsFile the hosts file every JVM reads (a test JVM fixes it at start, so it is given)
 * @param probePeriodCap see {@link io.rocketkube.e2e.cluster.runner.RunnerOptions}; null: as declared
 * @param operatorProperties extra {@code -D} properties for the operator (e.g. a shorter busy interval)
 * @param brokerJvm JVM options of broker pods
 * @param namesrvJvm JVM options of NameServer pods
 */
public record StandInOptions(
        Path root,
        Path dataDir,
        Path hostsFile,
        Duration probePeriodCap,
        Map<String, String> operatorProperties,
        List<String> brokerJvm,
        List<String> namesrvJvm) {

    /** Small heaps and a quick JIT: many JVMs share two cores in CI. */
    public static StandInOptions defaults(Path root, Path dataDir, Path hostsFile) {
        return new StandInOptions(
                root,
                dataDir,
                hostsFile,
                null,
                Map.of(),
                List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"),
                List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1"));
    }

    public StandInOptions withProbePeriodCap(Duration cap) {
        return new StandInOptions(root, dataDir, hostsFile, cap, operatorProperties, brokerJvm, namesrvJvm);
    }

    public StandInOptions withOperatorProperties(Map<String, String> properties) {
        return new StandInOptions(root, dataDir, hostsFile, probePeriodCap, properties, brokerJvm, namesrvJvm);
    }
}
