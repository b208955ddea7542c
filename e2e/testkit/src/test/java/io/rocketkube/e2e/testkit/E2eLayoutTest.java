package io.rocketkube.e2e.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class E2eLayoutTest {

    @Test
    void findsTheRepositoryRoot() {
        assertThat(E2eLayout.root().resolve("e2e/pom.xml")).isRegularFile();
    }

    @Test
    void aMissingPackagedAppFailsWithTheBuildCommand() {
        assertThatThrownBy(() -> E2eLayout.quarkusApp("no-such-service"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-service/target/quarkus-app/quarkus-run.jar is missing")
                .hasMessageContaining("run ./mvnw verify from the root first");
    }

    @Test
    void runDirectoriesAreFreshAndUnderTarget() {
        var first = E2eLayout.newRunDir("x");
        var second = E2eLayout.newRunDir("x");
        assertThat(first).isNotEqualTo(second);
        assertThat(Files.isDirectory(first)).isTrue();
        assertThat(first.toString()).contains("/target/e2e/");
    }

    @Test
    void thePeerClasspathListsTheApacheServers() {
        assertThat(E2eLayout.apachePeerClasspath()).contains("rocketmq-namesrv-4.9.7.jar", "rocketmq-broker-4.9.7.jar");
    }
}
