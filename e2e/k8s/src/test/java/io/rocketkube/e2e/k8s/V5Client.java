package io.rocketkube.e2e.k8s;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.testkit.E2eLayout;
import io.rocketkube.e2e.testkit.JavaCommand;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official 5.3.3 remoting client, run as a child JVM from e2e/compat-v5's test classpath
 * ({@code ProduceConsumeMain} there): this module's classpath holds the 4.9.8 client under the
 * same Maven coordinates. The child reads the stand-in's hosts file, so Service names resolve.
 */
final class V5Client {

    private V5Client() {}

    /** The child's exit code and output. */
    record Result(int exitCode, String output) {}

    static Result produceConsume(String nameServer, String topic, int count, int timeoutSeconds) {
        Path module = E2eLayout.root().resolve("e2e/compat-v5/target");
        Path logs = E2eLayout.newRunDir("v5-client");
        try {
            String classpath = Files.readString(module.resolve("compat-v5.classpath"), StandardCharsets.UTF_8)
                            .trim()
                    + File.pathSeparator
                    + module.resolve("test-classes");
            List<String> command = JavaCommand.mainClass(classpath, "io.rocketkube.e2e.compat.v5.ProduceConsumeMain")
                    .jvmOptions("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                    .jvmOptions(ClusterStandIn.hostsJvmOptions(Path.of(System.getProperty("jdk.net.hosts.file")))
                            .toArray(String[]::new))
                    .systemProperty("rocketmq.client.logRoot", logs.toString())
                    .systemProperty("rocketmq.client.logLevel", "WARN")
                    .systemProperty("user.home", logs.toString())
                    .arguments(nameServer, topic, String.valueOf(count), String.valueOf(timeoutSeconds))
                    .toList();
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logs.resolve("out.log").toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds + 30L, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            return new Result(
                    process.isAlive() ? -1 : process.exitValue(),
                    Files.readString(logs.resolve("out.log"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
