package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Cluster DNS as a hosts file that JVMs read through {@code -Djdk.net.hosts.file}: with it set,
 * the JDK resolves names from this file only, and re-reads it on every lookup (set
 * {@code -Dsun.net.inetaddr.ttl=0} and {@code -Dsun.net.inetaddr.negative.ttl=0} too, or the
 * JVM's own cache keeps old answers).
 *
 * <p>Per Service {@code s} in namespace {@code n}: {@code s.n.svc} and
 * {@code s.n.svc.cluster.local} resolve to the ready Pods its selector matches (all of them when
 * publishNotReadyAddresses is set) if it is headless, or to one ready Pod (the first by name) if it
 * has a cluster IP, since there is no proxy to balance for it. A headless Service also gives each
 * of its Pods whose subdomain names it {@code <hostname>.s.n.svc}, as a StatefulSet's pods get.
 * Ports are not translated: every pod has its own address, so a client uses the container port,
 * which our Services expose unchanged. A Service with no ready endpoint has no entry (the JVM
 * then gets UnknownHostException, as it would get NXDOMAIN).
 *
 * <p>The file is replaced atomically (write, then rename) and only when its content changes.
 */
final class HostsFile {

    private final Path file;
    private String written;

    HostsFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    void update(List<Service> services, List<Pod> pods, Map<String, Boolean> readyByPodUid) {
        TreeSet<String> lines = new TreeSet<>();
        for (Service service : services) {
            String name = service.getMetadata().getName();
            String namespace = service.getMetadata().getNamespace();
            Map<String, String> selector = service.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                continue;
            }
            boolean headless = "None".equals(service.getSpec().getClusterIP());
            boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
            List<Pod> endpoints = new ArrayList<>();
            for (Pod pod : pods) {
                if (!namespace.equals(pod.getMetadata().getNamespace())
                        || pod.getStatus() == null
                        || pod.getStatus().getPodIP() == null
                        || !matches(selector, pod)) {
                    continue;
                }
                boolean ready = readyByPodUid.getOrDefault(pod.getMetadata().getUid(), false);
                if (ready || (headless && notReadyToo)) {
                    endpoints.add(pod);
                }
            }
            endpoints.sort(Comparator.comparing(p -> p.getMetadata().getName()));
            List<Pod> chosen = headless || endpoints.isEmpty() ? endpoints : endpoints.subList(0, 1);
            for (Pod pod : chosen) {
                String ip = pod.getStatus().getPodIP();
                lines.add(ip + " " + name + "." + namespace + ".svc " + name + "." + namespace + ".svc.cluster.local");
                if (headless && name.equals(pod.getSpec().getSubdomain())) {
                    String host = pod.getSpec().getHostname() == null
                            ? pod.getMetadata().getName()
                            : pod.getSpec().getHostname();
                    lines.add(ip + " " + host + "." + name + "." + namespace + ".svc " + host + "." + name + "."
                            + namespace + ".svc.cluster.local");
                }
            }
        }
        StringBuilder content = new StringBuilder();
        content.append("# written by the RocketKube cluster stand-in (pod runner); do not edit\n");
        content.append("127.0.0.1 localhost ").append(localHostName()).append('\n');
        content.append("::1 localhost ip6-localhost\n");
        lines.forEach(line -> content.append(line).append('\n'));
        String text = content.toString();
        if (Objects.equals(text, written)) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        written = text;
    }

    private static boolean matches(Map<String, String> selector, Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null
                && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** This machine's name, which JVMs resolve at start (InetAddress.getLocalHost()). */
    private static String localHostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = Files.readString(Path.of("/etc/hostname")).trim();
            } catch (IOException e) {
                name = "localhost.localdomain";
            }
        }
        return name;
    }
}
