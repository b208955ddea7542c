package io.rocketkube.operator.admin;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which admin credentials {@link RemotingBrokerAdmin} signs a request to each broker address with. The reconciler
 * sets, at the start of each reconciliation and before any admin call, the addresses of a cluster's broker pods
 * with that cluster's credentials; so the reconcile steps, which address brokers by pod IP, need not carry them.
 * Keyed by address because a pod IP belongs to one pod at a time; a cluster's update replaces all its previous
 * addresses, so an IP that moved to another cluster's pod is signed with that cluster's keys from its next
 * reconciliation on. NameServers are not signed (RocketMQ's NameServer has no ACL).
 *
 * <p>Thread-safe: reconciliations of different clusters run at once.
 */
public final class BrokerCredentials {

    private record Entry(String owner, AdminCredentials credentials) {}

    private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();

    /**
     * Replaces the addresses of {@code owner} (a cluster's uid) by {@code addresses}, signed with
     * {@code credentials}, or not signed when empty.
     */
    public synchronized void update(
            String owner, Collection<String> addresses, Optional<AdminCredentials> credentials) {
        byAddress.values().removeIf(e -> e.owner().equals(owner));
        credentials.ifPresent(c -> addresses.forEach(a -> byAddress.put(a, new Entry(owner, c))));
    }

    /** The credentials to sign a request to {@code address} with, if its cluster has an ACL. */
    public Optional<AdminCredentials> forAddress(String address) {
        Entry entry = byAddress.get(address);
        return entry == null ? Optional.empty() : Optional.of(entry.credentials());
    }
}
