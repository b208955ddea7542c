package io.rocketkube.e2e.cluster.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How the pod runner plays Kubernetes on this machine.
 *
 * @param dataDir pods' file systems ({@code pods/}) and claims' directories ({@code claims/})
 * @param hostsFile the hosts file it keeps current; every JVM it starts reads it
 *     ({@code -Djdk.net.hosts.file}), and so should any client JVM
 * @param images image name (the last path segment without tag, e.g. {@code rocketkube-broker}) to
 *     the app it runs; a Pod whose image is not here stays Pending
 * @param probePeriodCap probes run at most this far apart (null: exactly as declared); lets a CI
 *     run notice readiness in a second instead of the declared ten
 * @param syncInterval how often the controllers and the kubelet compare the store with the
 *     processes
 * @param extraJvmOptions options every pod JVM gets
 */
public record RunnerOptions(
        Path dataDir,
        Path hostsFile,
        Map<String, AppImage> images,
        Duration probePeriodCap,
        Duration syncInterval,
        List<String> extraJvmOptions) {

    public RunnerOptions {
        images = Map.copyOf(images);
        extraJvmOptions = List.copyOf(extraJvmOptions);
    }

    /** The app for {@code image} ({@code repo/name:tag} or {@code repo/name@digest}), or null. */
    AppImage appFor(String image) {
        String name = image;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        return images.get(name.substring(slash + 1));
    }
}
