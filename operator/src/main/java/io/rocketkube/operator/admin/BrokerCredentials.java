package io.rocketkube.operator.admin;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which admin credentials {@link RemotingBrokerAdmin} signs a request to each broker address with. The reconciler
 * claims, at the start of each reconciliation and before any admin call, the addresses of a cluster's broker pods
 * with the credentials of the ACL Secret each pod mounts (or none); so the reconcile steps, which address brokers
 * by pod IP, need not carry them. NameServers are not signed (RocketMQ's NameServer has no ACL).
 *
 * <p>A pod IP belongs to one pod at a time, but the operator's view of pods lags: a cluster whose informer still
 * shows a deleted pod may claim an IP that a pod of another cluster holds now. One cluster's keys must never sign
 * another cluster's requests (RocketMQ's signatures carry no nonce and can be replayed), so an address claimed by
 * two clusters is signed by neither until the stale claim is withdrawn at its cluster's next reconciliation; a
 * claim not renewed within {@code claimLifetime} (a deleted, paused or invalid cluster, which makes no admin
 * calls) is forgotten. Unsigned, a request to a broker with the ACL on is refused, and the step waits.
 *
 * <p>Thread-safe: reconciliations of different clusters run at once.
 */
public final class BrokerCredentials {

    private record Claim(Optional<AdminCredentials> credentials, long atMillis) {}

    private final Clock clock;
    private final long claimLifetimeMillis;
    /** By address, by owner (a cluster's uid). */
    private final Map<String, Map<String, Claim>> claims = new HashMap<>();

    /** Claims live for ten minutes, for tests of the signing alone. */
    public BrokerCredentials() {
        this(Clock.systemUTC(), Duration.ofMinutes(10));
    }

    /** @param claimLifetime longer than the longest time between two reconciliations of a cluster */
    public BrokerCredentials(Clock clock, Duration claimLifetime) {
        this.clock = clock;
        this.claimLifetimeMillis = claimLifetime.toMillis();
    }

    /**
     * Replaces every claim of {@code owner} by {@code addresses}, each with the credentials to sign its requests
     * with (empty: unsigned).
     */
    public synchronized void update(String owner, Map<String, Optional<AdminCredentials>> addresses) {
        long now = clock.millis();
        claims.values().forEach(byOwner -> byOwner.remove(owner));
        addresses.forEach((address, credentials) ->
                claims.computeIfAbsent(address, a -> new HashMap<>()).put(owner, new Claim(credentials, now)));
        claims.values().removeIf(byOwner -> {
            byOwner.values().removeIf(c -> !live(c, now));
            return byOwner.isEmpty();
        });
    }

    /** The credentials to sign a request to {@code address} with: only when one live claim names it. */
    public synchronized Optional<AdminCredentials> forAddress(String address) {
        Map<String, Claim> byOwner = claims.get(address);
        if (byOwner == null) {
            return Optional.empty();
        }
        long now = clock.millis();
        Claim only = null;
        for (Claim claim : byOwner.values()) {
            if (!live(claim, now)) {
                continue;
            }
            if (only != null) {
                return Optional.empty();
            }
            only = claim;
        }
        return only == null ? Optional.empty() : only.credentials();
    }

    private boolean live(Claim claim, long now) {
        return now - claim.atMillis() <= claimLifetimeMillis;
    }
}
