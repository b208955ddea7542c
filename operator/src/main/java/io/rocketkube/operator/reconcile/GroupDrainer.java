package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.rocketkube.crds.v1alpha1.BrokerGroupStatus;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scale-in of broker groups without losing a message. A leaving group goes through:
 *
 * <pre>
 *   stop writes ──► wait one route refresh ──► judge the backlog ──► delete when drained
 *   (broker perm     (producers' cached          (DrainJudge: every       otherwise stay,
 *    read-only, and   routes expire; a send       topic, every consumer    ScaleDownBlocked
 *    wiped at every   still in flight lands       group, retry topics      says why, with
 *    NameServer)      before we look)             included)                the numbers
 * </pre>
 *
 * <p>Nothing deletes a group with messages on a timeout: past {@code drainTimeoutSeconds} the
 * condition says the drain is overdue, and only the force annotation deletes. The annotation is
 * consumed (removed from the cluster) once acted on, so a later scale-in drains again.
 *
 * <p>The drain's timestamps live in the RocketCluster's status, so a restarted operator carries on
 * where it was, and nothing is kept in memory between reconciliations.
 */
public final class GroupDrainer {

    public static final String RUNNING = "Running";
    public static final String DRAINING = "Draining";

    private final BrokerAdmin admin;
    private final EventRecorder events;
    private final GroupRemover remover;
    private final Clock clock;
    private final Duration routeRefresh;

    public GroupDrainer(
            BrokerAdmin admin, EventRecorder events, GroupRemover remover, Clock clock, Duration routeRefresh) {
        this.admin = admin;
        this.events = events;
        this.remover = remover;
        this.clock = clock;
        this.routeRefresh = routeRefresh;
    }

    /**
     * The drain's state after this step.
     *
     * @param draining status entries of the groups still draining
     * @param blockedReason why the scale-in cannot finish yet, or null when it is not blocked
     */
    public record Outcome(
            List<BrokerGroupStatus> draining, String blockedReason, String blockedMessage, List<String> adminErrors) {

        public boolean inProgress() {
            return !draining.isEmpty();
        }
    }

    /** One leaving group after this pass: its status entry (null once deleted) and why it stays. */
    private record Step(BrokerGroupStatus entry, String reason, String message, boolean forced) {

        static Step deleted(boolean forced) {
            return new Step(null, null, null, forced);
        }
    }

    public Outcome drain(
            KubernetesClient client, RocketCluster cluster, BrokerObserver.Result observed, ClusterObservation seen) {
        int wanted = cluster.getSpec().getBroker().getGroups();
        List<String> errors = new ArrayList<>();
        cancelDrains(client, cluster, observed, wanted, errors);
        List<BrokerGroupStatus> draining = new ArrayList<>();
        List<String> blocked = new ArrayList<>();
        String reason = null;
        boolean forceUsed = false;
        for (GroupState group : observed.groups().values()) {
            if (group.ordinal() < wanted || !seen.groups().containsKey(group.ordinal())) {
                continue;
            }
            Step step = drainStep(client, cluster, group, observed, seen.claimsOf(group.name()), errors);
            forceUsed |= step.forced();
            if (step.entry() != null) {
                draining.add(step.entry());
                reason = reason == null ? step.reason() : reason;
                blocked.add(step.message());
            }
        }
        if (forceUsed) {
            consumeForceAnnotation(client, cluster);
        }
        String message = blocked.isEmpty()
                ? null
                : String.join("; ", blocked)
                        + "; annotate the cluster " + RocketCluster.FORCE_SCALE_DOWN_ANNOTATION
                        + "=true to delete now, with its messages";
        return new Outcome(draining, reason, message, errors);
    }

    private Step drainStep(
            KubernetesClient client,
            RocketCluster cluster,
            GroupState group,
            BrokerObserver.Result observed,
            List<PersistentVolumeClaim> claims,
            List<String> errors) {
        Instant now = clock.instant();
        Optional<BrokerGroupStatus> previous = previous(cluster, group.name())
                .filter(s -> DRAINING.equals(s.getPhase()) && s.getDrainStartedAt() != null);
        Instant started =
                previous.map(s -> Instant.parse(s.getDrainStartedAt())).orElse(now);
        if (previous.isEmpty()) {
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    "ScaleInDraining",
                    "Stopping writes to " + group.name() + " at its broker and the NameServers; it is"
                            + " deleted once its consumers have consumed every message");
        }
        // Stopped again on every pass: a restarted NameServer relearns the group's routes from its
        // next registration, and a restarted master rereads its permission from its own config.
        String notStopped = stopWrites(observed, group, errors);
        if (notStopped == null) {
            notStopped = markWritesStopped(client, group, claims, now, errors);
        }
        Instant stoppedAt = previous.map(BrokerGroupStatus::getWritesStoppedAt)
                .map(Instant::parse)
                .orElse(notStopped == null ? now : null);

        if (isForced(cluster)) {
            remover.remove(client, cluster, group.name());
            events.record(
                    client,
                    cluster,
                    EventRecorder.WARNING,
                    "ScaleInForced",
                    "Deleted group " + group.name() + " without waiting for its consumers (annotation "
                            + RocketCluster.FORCE_SCALE_DOWN_ANNOTATION + ", now removed)");
            return Step.deleted(true);
        }

        BrokerGroupStatus entry = StatusComposer.groupStatus(group);
        entry.setPhase(DRAINING);
        entry.setDrainStartedAt(started.toString());
        entry.setWritesStoppedAt(stoppedAt == null ? null : stoppedAt.toString());
        String overdue = overdue(cluster, started, now);
        if (notStopped != null) {
            return new Step(
                    entry,
                    "WritesNotStopped",
                    group.name() + ": writes could not be stopped (" + notStopped + ")" + overdue,
                    false);
        }
        Instant judgeAt = stoppedAt.plus(routeRefresh);
        if (now.isBefore(judgeAt)) {
            return new Step(
                    entry,
                    "WaitingForRouteRefresh",
                    group.name() + ": writes stopped at " + stoppedAt + "; producers may send on cached routes until "
                            + judgeAt,
                    false);
        }
        BacklogReader.Reading backlog = backlog(group, errors);
        if (backlog == null) {
            return new Step(
                    entry,
                    "LagUnknown",
                    group.name() + ": unconsumed messages unknown (" + lastError(errors) + ")" + overdue,
                    false);
        }
        DrainJudge.Verdict verdict = DrainJudge.judge(backlog.topics());
        if (backlog.fromSlave()) {
            return readFromSlave(entry, group, backlog, verdict, overdue);
        }
        if (verdict.drained()) {
            remover.remove(client, cluster, group.name());
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    "ScaleInCompleted",
                    "Deleted group " + group.name() + ": its consumers have consumed every message");
            return Step.deleted(false);
        }
        entry.setRemainingMessages(verdict.remaining());
        return new Step(entry, verdict.reason(), verdict.describe(group.name()) + overdue, false);
    }

    /** Read-only at the broker and wiped at every NameServer; the failure, or null when both held. */
    private String stopWrites(BrokerObserver.Result observed, GroupState group, List<String> errors) {
        List<String> failures = new ArrayList<>();
        try {
            admin.wipeWritePermission(observed.nameServers(), group.name());
        } catch (BrokerAdminException e) {
            failures.add(e.getMessage());
        }
        GroupEndpoints endpoints = BrokerObserver.endpoints(group);
        if (endpoints.masterAddress() == null) {
            failures.add("master of " + group.name() + " has no address");
        } else {
            try {
                admin.stopBrokerWrites(endpoints.masterAddress());
            } catch (BrokerAdminException e) {
                failures.add(e.getMessage());
            }
        }
        errors.addAll(failures);
        return failures.isEmpty() ? null : String.join("; ", failures);
    }

    /**
     * Leaves on the master's data claim the mark a roll's write stop leaves, so that if the group is
     * deleted with its claims kept and later wanted again, its master, still read-only from the
     * permission it persisted on that claim, is given writes back once it is up ({@link
     * MasterWriteStop#restoreRestarted}). Without it a group scaled in and out again stays read-only
     * for good. The failure, or null when the mark is there.
     */
    private static String markWritesStopped(
            KubernetesClient client,
            GroupState group,
            List<PersistentVolumeClaim> claims,
            Instant now,
            List<String> errors) {
        try {
            MasterWriteStop.markStopped(client, group, claims, now);
            return null;
        } catch (IllegalStateException e) {
            errors.add(e.getMessage());
            return e.getMessage();
        }
    }

    /**
     * A backlog read from a slave because the master does not answer: the numbers are reported, but
     * "drained" does not delete, since messages the master stored and never replicated are not on
     * the slave. The group goes once its master answers again (and agrees), or when forced.
     */
    private static Step readFromSlave(
            BrokerGroupStatus entry,
            GroupState group,
            BacklogReader.Reading backlog,
            DrainJudge.Verdict verdict,
            String overdue) {
        String source = " (read from slave " + backlog.source() + ": the master does not answer: "
                + backlog.masterFailure() + ")";
        if (verdict.drained()) {
            return new Step(
                    entry,
                    "MasterUnreachable",
                    group.name() + ": slave " + backlog.source()
                            + " reports every message consumed, but messages its master had not replicated cannot"
                            + " be seen there; the group is removed once the master answers again, or with the"
                            + " force annotation (master: " + backlog.masterFailure() + ")" + overdue,
                    false);
        }
        entry.setRemainingMessages(verdict.remaining());
        return new Step(entry, verdict.reason(), verdict.describe(group.name()) + source + overdue, false);
    }

    private BacklogReader.Reading backlog(GroupState group, List<String> errors) {
        try {
            BacklogReader.Reading reading = BacklogReader.read(admin, BrokerObserver.endpoints(group));
            if (reading.fromSlave()) {
                errors.add(reading.masterFailure());
            }
            return reading;
        } catch (BrokerAdminException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    private static String overdue(RocketCluster cluster, Instant started, Instant now) {
        Duration timeout = Duration.ofSeconds(cluster.getSpec().getBroker().getDrainTimeoutSeconds());
        return now.isBefore(started.plus(timeout))
                ? ""
                : " (overdue: the drain timeout of " + timeout.toSeconds() + " s passed at " + started.plus(timeout)
                        + "; the group stays until drained)";
    }

    /** A group that was draining and is wanted again gets its write permission back. */
    private void cancelDrains(
            KubernetesClient client,
            RocketCluster cluster,
            BrokerObserver.Result observed,
            int wanted,
            List<String> errors) {
        if (cluster.getStatus() == null) {
            return;
        }
        for (BrokerGroupStatus entry : cluster.getStatus().getBrokerGroups()) {
            GroupState group = observed.groups().values().stream()
                    .filter(g -> g.name().equals(entry.getName()))
                    .findFirst()
                    .orElse(null);
            if (group != null && group.ordinal() < wanted && DRAINING.equals(entry.getPhase())) {
                try {
                    String master = BrokerObserver.endpoints(group).masterAddress();
                    if (master == null) {
                        throw new BrokerAdminException("master of " + group.name() + " has no address");
                    }
                    admin.restoreBrokerWrites(master);
                    admin.addWritePermission(observed.nameServers(), group.name());
                    events.record(
                            client,
                            cluster,
                            EventRecorder.NORMAL,
                            "ScaleInCancelled",
                            "Group " + group.name() + " is wanted again; restored its write permission");
                } catch (BrokerAdminException e) {
                    errors.add(e.getMessage());
                }
            }
        }
    }

    /**
     * Removes the force annotation after it was acted on, so that it forces one scale-in only. A
     * JSON patch of the metadata alone: it cannot conflict with the status written after it, and
     * unlike a merge patch with null it removes the key on fabric8's mock too.
     */
    private void consumeForceAnnotation(KubernetesClient client, RocketCluster cluster) {
        try {
            client.resources(RocketCluster.class)
                    .inNamespace(cluster.getMetadata().getNamespace())
                    .withName(cluster.getMetadata().getName())
                    .patch(
                            PatchContext.of(PatchType.JSON),
                            "[{\"op\":\"remove\",\"path\":"
                                    + "\"/metadata/annotations/"
                                    + RocketCluster.FORCE_SCALE_DOWN_ANNOTATION
                                            .replace("~", "~0")
                                            .replace("/", "~1")
                                    + "\"}]");
        } catch (KubernetesClientException e) {
            // Already gone (someone removed it first): nothing left to consume.
            events.record(
                    client,
                    cluster,
                    EventRecorder.WARNING,
                    "ForceAnnotationNotRemoved",
                    "Could not remove " + RocketCluster.FORCE_SCALE_DOWN_ANNOTATION + ": " + e.getMessage()
                            + "; remove it by hand, or the next scale-in is forced too");
        }
    }

    private static boolean isForced(RocketCluster cluster) {
        Map<String, String> annotations = cluster.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(RocketCluster.FORCE_SCALE_DOWN_ANNOTATION));
    }

    private static Optional<BrokerGroupStatus> previous(RocketCluster cluster, String name) {
        if (cluster.getStatus() == null) {
            return Optional.empty();
        }
        return cluster.getStatus().getBrokerGroups().stream()
                .filter(s -> name.equals(s.getName()))
                .findFirst();
    }

    private static String lastError(List<String> errors) {
        return errors.isEmpty() ? "no answer" : errors.get(errors.size() - 1);
    }
}
