package io.rocketkube.e2e.cluster.runner;

import java.nio.file.Path;
import java.util.List;

/**
 * What a container image stands for on this machine: the packaged app's fast-jar, the JVM options
 * to start it with, and the image's working directory (its Dockerfile's WORKDIR), which is where
 * Quarkus looks for {@code config/application.properties}.
 *
 * @param jar the {@code quarkus-run.jar} to run
 * @param jvmOptions JVM options placed before {@code -jar}
 * @param workingDir the image's WORKDIR inside the container's file system
 */
public record AppImage(Path jar, List<String> jvmOptions, String workingDir) {

    public AppImage {
        jvmOptions = List.copyOf(jvmOptions);
    }
}
