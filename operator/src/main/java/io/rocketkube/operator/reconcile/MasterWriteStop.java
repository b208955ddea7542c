package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A master restarted in a roll first stops taking writes, so that no send is in flight to it when
 * it goes: without this, sends under way to it fail when it stops, and producers keep choosing it
 * until their routes refresh. The steps, one per reconciliation:
 *
 * <pre>
 *   stop writes ──────► wait one route ──► delete the ──► master back, ready, on the current
 *   (broker perm         refresh             pod (the      configuration: give writes back
 *    read-only, wiped    (cached routes      restart)      (broker perm read-write, added
 *    at every            expire; sends                     at every NameServer)
 *    NameServer)         go elsewhere)
 * </pre>
 *
 * <p>The same stop as the scale-in drain ({@link GroupDrainer}): the broker persists its
 * permission, so neither its next registration nor a restarted NameServer brings writes back
 * early, and the restarted master is still read-only until it is given writes back here.
 *
 * <p>State: the time the writes were stopped is an annotation on the master's data claim, which
 * outlives the pod, like the permission the broker persisted on it. A restarted operator thus
 * finishes the wait, and gives writes back to a master it restarted before it went down.
 */
final class MasterWriteStop {

    static final String ANNOTATION = "rocketkube.io/roll-writes-stopped-at";

    private final BrokerAdmin admin;
    private final EventRecorder events;
    private final Clock clock;
    private final Duration routeRefresh;

    MasterWriteStop(BrokerAdmin admin, EventRecorder events, Clock clock, Duration routeRefresh) {
        this.admin = admin;
        this.events = events;
        this.clock = clock;
        this.routeRefresh = routeRefresh;
    }

    /**
     * Before the roll restarts {@code group}'s master: why it must wait, or empty when the pod may
     * be deleted now (its writes were stopped at least one route refresh ago).
     */
    Optional<String> beforeRestart(
            KubernetesClient client,
            RocketCluster cluster,
            GroupState group,
            List<String> nameServers,
            List<PersistentVolumeClaim> claims) {
        String master = group.master().map(PodState::name).orElseThrow();
        Optional<PersistentVolumeClaim> claim = claimOf(master, claims);
        if (claim.isEmpty()) {
            return Optional.of("waiting for the data claim of " + master + " before stopping its writes");
        }
        Optional<Instant> stoppedAt = stoppedAt(claim.get());
        Instant now = clock.instant();
        if (stoppedAt.isEmpty()) {
            try {
                admin.stopBrokerWrites(BrokerObserver.endpoints(group).masterAddress());
                admin.wipeWritePermission(nameServers, group.name());
            } catch (BrokerAdminException e) {
                return Optional.of("writes of master " + master + " could not be stopped before its restart ("
                        + e.getMessage() + ")");
            }
            annotate(client, claim.get(), now.toString());
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    "StoppedMasterWrites",
                    "Stopped writes to master " + master + " of " + group.name() + "; restarting it after one"
                            + " route refresh (" + routeRefresh.toSeconds() + " s)");
            return Optional.of(waiting(master, now));
        }
        if (now.isBefore(stoppedAt.get().plus(routeRefresh))) {
            return Optional.of(waiting(master, stoppedAt.get()));
        }
        return Optional.empty();
    }

    /**
     * Gives writes back to each master this class stopped whose restart is done: the pod runs the
     * group's current configuration and is ready. Failures are added to {@code errors} and retried
     * on the next pass (the annotation stays until both calls succeeded).
     */
    void restoreRestarted(
            KubernetesClient client,
            RocketCluster cluster,
            List<GroupState> groups,
            List<String> nameServers,
            ClusterObservation seen,
            List<String> errors) {
        for (GroupState group : groups) {
            Optional<PodState> master = group.master();
            if (master.isPresent() && !group.isStale(master.get())) {
                restore(client, cluster, group, nameServers, seen, "restarted with the current configuration", errors);
            }
        }
    }

    /**
     * Gives writes back to each stopped master that is ready, on whatever configuration it runs: the roll
     * that stopped them cannot go on ({@code why}: reconciliation paused, spec invalid), and a master must
     * not stay read-only for as long as that lasts. Only groups the spec still wants: a group being drained
     * stays stopped. The roll stops its writes again, and waits again, before it restarts it. Reads only
     * what the informers saw, since no spec is applied.
     *
     * @return whether a stopped master is left (not ready yet, or an admin call failed: retried soon)
     */
    boolean restoreHalted(KubernetesClient client, RocketCluster cluster, ClusterObservation seen, String why) {
        Integer wanted = cluster.getSpec() == null || cluster.getSpec().getBroker() == null
                ? null
                : cluster.getSpec().getBroker().getGroups();
        if (wanted == null || wanted < 1) {
            return false;
        }
        BrokerObserver.Result existing = BrokerObserver.existing(cluster, seen);
        List<String> retriedOnTheNextPass = new java.util.ArrayList<>();
        boolean left = false;
        for (GroupState group : existing.groups().values()) {
            if (group.ordinal() < wanted) {
                left |= !restore(
                        client,
                        cluster,
                        group,
                        existing.nameServers(),
                        seen,
                        why + "; the roll stops them again before it restarts it",
                        retriedOnTheNextPass);
            }
        }
        return left;
    }

    /** @return false when the group's master stays stopped: it is not ready, or a call failed */
    private boolean restore(
            KubernetesClient client,
            RocketCluster cluster,
            GroupState group,
            List<String> nameServers,
            ClusterObservation seen,
            String why,
            List<String> errors) {
        Optional<PodState> master = group.master();
        if (master.isEmpty()) {
            return true;
        }
        Optional<PersistentVolumeClaim> claim = claimOf(master.get().name(), seen.claimsOf(group.name()));
        if (claim.isEmpty() || annotation(claim.get()) == null) {
            return true;
        }
        if (!master.get().ready()) {
            return false;
        }
        try {
            admin.restoreBrokerWrites(BrokerObserver.endpoints(group).masterAddress());
            admin.addWritePermission(nameServers, group.name());
        } catch (BrokerAdminException e) {
            errors.add(e.getMessage());
            return false;
        }
        annotate(client, claim.get(), null);
        events.record(
                client,
                cluster,
                EventRecorder.NORMAL,
                "RestoredMasterWrites",
                "Master " + master.get().name() + " of " + group.name() + " takes writes again: " + why);
        return true;
    }

    /**
     * Marks {@code group}'s master as stopped by the operator unless it already is, as {@link
     * #beforeRestart} does: the scale-in drain stops writes the same way, and a group scaled out
     * again on its kept claims is given writes back by {@link #restoreRestarted}.
     *
     * @throws IllegalStateException when the master or its claim is not known yet, or the claim
     *     cannot be annotated
     */
    static void markStopped(KubernetesClient client, GroupState group, List<PersistentVolumeClaim> claims, Instant at) {
        String master = group.master()
                .map(PodState::name)
                .orElseThrow(() -> new IllegalStateException("master of " + group.name() + " is not known"));
        PersistentVolumeClaim claim = claimOf(master, claims)
                .orElseThrow(() -> new IllegalStateException("data claim of " + master + " is not known"));
        if (annotation(claim) == null) {
            annotate(client, claim, at.toString());
        }
    }

    private String waiting(String master, Instant stoppedAt) {
        return "writes of master " + master + " stopped at " + stoppedAt
                + "; producers may send on cached routes until " + stoppedAt.plus(routeRefresh)
                + ", then it restarts";
    }

    /** The claim mounted by {@code pod}: StatefulSet claims are named {@code <template>-<pod>}. */
    private static Optional<PersistentVolumeClaim> claimOf(String pod, List<PersistentVolumeClaim> claims) {
        return claims.stream()
                .filter(c -> c.getMetadata().getName().endsWith("-" + pod))
                .findFirst();
    }

    private static String annotation(PersistentVolumeClaim claim) {
        Map<String, String> annotations = claim.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ANNOTATION);
    }

    private static Optional<Instant> stoppedAt(PersistentVolumeClaim claim) {
        String value = annotation(claim);
        try {
            return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            // Edited by hand: stop again and wait a whole refresh from then.
            return Optional.empty();
        }
    }

    /**
     * Sets the annotation with a merge patch, or with null removes it with a JSON patch (a merge
     * patch with null does not remove a key on fabric8's mock); neither touches another field.
     */
    private static void annotate(KubernetesClient client, PersistentVolumeClaim claim, String value) {
        var resource = client.persistentVolumeClaims()
                .inNamespace(claim.getMetadata().getNamespace())
                .withName(claim.getMetadata().getName());
        try {
            if (value == null) {
                resource.patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"remove\",\"path\":" + "\"/metadata/annotations/" + ANNOTATION.replace("/", "~1")
                                + "\"}]");
            } else {
                resource.patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + value + "\"}}}");
            }
        } catch (KubernetesClientException e) {
            throw new IllegalStateException(
                    "cannot annotate claim " + claim.getMetadata().getName() + ": " + e.getMessage(), e);
        }
    }
}
