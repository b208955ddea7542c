package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the e2e tests find what they run, and where they put what they write.
 *
 * <ul>
 *   <li>Repository root: system property {@code rocketkube.e2e.root} (set by e2e/pom.xml for
 *       surefire), else the nearest ancestor of the working directory holding {@code e2e/pom.xml}.
 *   <li>Our packaged apps: {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}.
 *   <li>Apache 4.9.7 server classpath: system property {@code rocketkube.e2e.peer-classpath}, else
 *       {@code <root>/e2e/apache-peer/target/peer.classpath}.
 *   <li>Run directories (data, logs, ROCKETMQ_HOME): {@code <working dir>/target/e2e/...}.
 * </ul>
 */
public final class E2eLayout {

    private static final AtomicInteger RUN_SEQUENCE = new AtomicInteger();
    private static final String RUN_ID = Long.toString(System.currentTimeMillis(), 36);

    private E2eLayout() {}

    public static Path root() {
        String configured = System.getProperty("rocketkube.e2e.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("e2e/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "cannot find the repository root: set -Drocketkube.e2e.root=<dir containing e2e/>");
    }

    /** The packaged Quarkus fast-jar of {@code module}, or a clear failure if it was not built. */
    public static Path quarkusApp(String module) {
        Path jar = root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw verify from the root first"
                    + " (or ./mvnw package -DskipTests -pl " + module + " -am)");
        }
        return jar;
    }

    /** The classpath of the official 4.9.7 NameServer and broker. */
    public static String apachePeerClasspath() {
        String configured = System.getProperty("rocketkube.e2e.peer-classpath");
        Path file = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : root().resolve("e2e/apache-peer/target/peer.classpath");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build e2e/apache-peer first"
                    + " (./mvnw generate-resources -pl e2e/apache-peer -am)");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, empty directory {@code target/e2e/<run>/<name>-<n>} under the working directory. */
    public static Path newRunDir(String name) {
        Path dir = Path.of("target", "e2e", RUN_ID, name + "-" + RUN_SEQUENCE.incrementAndGet())
                .toAbsolutePath();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
