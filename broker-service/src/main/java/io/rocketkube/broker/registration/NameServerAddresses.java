package io.rocketkube.broker.registration;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The configured NameServer list, {@code host:port;host:port}, resolved to concrete targets. Each host is
 * looked up afresh on every call and contributes ALL of its addresses, so a Kubernetes headless Service name
 * yields one target per NameServer pod and a new pod is picked up without a restart.
 *
 * <p>Immutable and thread-safe.
 */
public final class NameServerAddresses {
    /** Resolves a host name to its addresses; replaced in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private record Entry(String host, int port) {}

    private final List<Entry> entries;
    private final Resolver resolver;

    public NameServerAddresses(String list, Resolver resolver) {
        this.resolver = resolver;
        List<Entry> parsed = new ArrayList<>();
        for (String part : list.split(";")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("namesrv-addr entry '" + trimmed + "' is not host:port");
            }
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("namesrv-addr entry '" + trimmed + "' has a non-numeric port");
            }
            parsed.add(new Entry(trimmed.substring(0, colon), port));
        }
        this.entries = List.copyOf(parsed);
    }

    public static NameServerAddresses of(String list) {
        return new NameServerAddresses(list, InetAddress::getAllByName);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Every {@code ip:port} target right now. A host that does not resolve contributes nothing this round
     * (it is retried on the next one); the returned set may therefore be empty.
     */
    public Set<String> resolve() {
        Set<String> targets = new LinkedHashSet<>();
        for (Entry entry : entries) {
            try {
                for (InetAddress address : resolver.resolve(entry.host())) {
                    targets.add(address.getHostAddress() + ":" + entry.port());
                }
            } catch (UnknownHostException e) {
                org.slf4j.LoggerFactory.getLogger(NameServerAddresses.class)
                        .warn("NameServer host {} does not resolve: {}", entry.host(), e.getMessage());
            }
        }
        return targets;
    }
}
