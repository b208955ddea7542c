package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.rocketkube.crds.v1alpha1.BrokerGroupStatus;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterStatus;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.model.Names;
import io.rocketkube.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the status from one reconciliation's observations and decisions. Pure. */
public final class StatusComposer {

    private StatusComposer() {}

    /**
     * Everything the status is made of.
     *
     * @param nameServersReady ready NameServer pods
     * @param nameServersRolledOut the NameServer Deployment runs its current template everywhere
     * @param groups every existing or wanted group, by ordinal
     */
    public record Inputs(
            RocketCluster cluster,
            int nameServersReady,
            boolean nameServersRolledOut,
            List<GroupState> groups,
            RollStep roll,
            GroupDrainer.Outcome drain,
            List<String> adminErrors,
            Instant now) {}

    public static RocketClusterStatus compose(Inputs in) {
        RocketCluster cluster = in.cluster();
        int wantedGroups = cluster.getSpec().getBroker().getGroups();
        int wantedNameServers = cluster.getSpec().getNameServer().getReplicas();
        RocketClusterStatus status = new RocketClusterStatus();
        status.setObservedGeneration(cluster.getMetadata().getGeneration());
        status.setNameServerAddress(Names.nameServerAddressForClients(cluster));
        status.setNameServers(in.nameServersReady() + "/" + wantedNameServers);
        status.setBrokerSelector(Labels.asString(Labels.brokerSelector(cluster)));

        List<BrokerGroupStatus> entries = new ArrayList<>();
        List<String> notReady = new ArrayList<>();
        int readyGroups = 0;
        for (GroupState group : in.groups()) {
            if (group.ordinal() >= wantedGroups) {
                continue;
            }
            BrokerGroupStatus entry = groupStatus(group);
            entry.setPhase(GroupDrainer.RUNNING);
            entries.add(entry);
            if (group.ready()) {
                readyGroups++;
            } else {
                notReady.add(group.name());
            }
        }
        entries.addAll(in.drain().draining());
        status.setBrokerGroups(entries);
        status.setGroups(wantedGroups + in.drain().draining().size());
        status.setGroupsReady(readyGroups + "/" + wantedGroups);
        status.setConditions(conditions(in, wantedNameServers, notReady));
        return status;
    }

    public static BrokerGroupStatus groupStatus(GroupState group) {
        BrokerGroupStatus entry = new BrokerGroupStatus();
        entry.setName(group.name());
        entry.setMasterReady(group.masterReady());
        entry.setSlavesReady(group.slavesReady());
        entry.setSlaves(group.replicas() - 1);
        entry.setRegistered(group.registered());
        entry.setReplicationLagBytes(group.maxSlaveLagBytes());
        return entry;
    }

    /** Ready pods of the NameServer Deployment, by its status. */
    public static int readyReplicas(Optional<Deployment> deployment) {
        return deployment
                .map(Deployment::getStatus)
                .map(s -> s.getReadyReplicas())
                .orElse(0);
    }

    private static List<Condition> conditions(Inputs in, int wantedNameServers, List<String> notReady) {
        RocketCluster cluster = in.cluster();
        Long generation = cluster.getMetadata().getGeneration();
        List<Condition> current =
                cluster.getStatus() == null ? List.of() : cluster.getStatus().getConditions();
        boolean nameServersReady = in.nameServersReady() >= wantedNameServers;
        boolean ready = nameServersReady && notReady.isEmpty();
        String readyReason =
                ready ? "ClusterReady" : !nameServersReady ? "NameServersNotReady" : "BrokerGroupsNotReady";
        String readyMessage = ready
                ? "every NameServer and broker group is ready"
                : !nameServersReady
                        ? in.nameServersReady() + " of " + wantedNameServers + " NameServers are ready"
                        : "not ready or not registered: " + explained(in, notReady);
        List<Condition> next = Conditions.set(
                current, RocketClusterStatus.READY, ready, readyReason, readyMessage, generation, in.now());

        String[] progress = progress(in, notReady);
        Optional<Condition> previous = Conditions.find(current, RocketClusterStatus.PROGRESSING);
        int deadline = cluster.getSpec().getProgressDeadlineSeconds();
        // A restart in a broker roll is progress: it clears an exceeded deadline and starts the clock.
        boolean madeProgress = in.roll() instanceof RollStep.Restart || in.roll() instanceof RollStep.Replace;
        boolean overdue = progress != null
                && !madeProgress
                && ProgressDeadline.exceeded(previous, progress[0], generation, Duration.ofSeconds(deadline), in.now());
        String overdueMessage = overdue
                ? "not done within the progress deadline of " + deadline + " s (spec.progressDeadlineSeconds): "
                        + progress[1]
                : null;
        if (overdue) {
            next = Conditions.set(
                    next,
                    RocketClusterStatus.PROGRESSING,
                    false,
                    ProgressDeadline.EXCEEDED,
                    overdueMessage,
                    generation,
                    in.now());
        } else {
            next = Conditions.set(
                    next,
                    RocketClusterStatus.PROGRESSING,
                    progress != null,
                    progress == null ? "Reconciled" : progress[0],
                    progress == null ? "the cluster matches its spec" : progress[1],
                    generation,
                    in.now(),
                    progress != null && (madeProgress || ProgressDeadline.newPhase(previous, progress[0])));
        }

        boolean adminDown = !in.adminErrors().isEmpty();
        boolean stuck = !ready && progress == null;
        next = Conditions.set(
                next,
                RocketClusterStatus.DEGRADED,
                adminDown || stuck || overdue,
                adminDown
                        ? "BrokerAdminUnavailable"
                        : overdue ? ProgressDeadline.EXCEEDED : stuck ? "ReplicasNotReady" : "AsExpected",
                adminDown
                        ? String.join("; ", in.adminErrors())
                        : overdue ? overdueMessage : stuck ? readyMessage : "no problem found",
                generation,
                in.now());

        boolean blocked = in.drain().blockedReason() != null;
        next = Conditions.set(
                next,
                RocketClusterStatus.SCALE_DOWN_BLOCKED,
                blocked,
                blocked ? in.drain().blockedReason() : "NotBlocked",
                blocked ? in.drain().blockedMessage() : "no group is waiting to be removed",
                generation,
                in.now());
        return next;
    }

    /** Reason and message of the Progressing condition, or null when nothing is in progress. */
    private static String[] progress(Inputs in, List<String> notReady) {
        if (in.drain().inProgress()) {
            return new String[] {
                "ScalingIn",
                "draining "
                        + in.drain().draining().stream()
                                .map(BrokerGroupStatus::getName)
                                .toList()
            };
        }
        boolean created = creating(in.cluster());
        if (!in.nameServersRolledOut()) {
            return new String[] {
                created ? "Creating" : "RollingNameServers",
                "waiting for the NameServer Deployment to finish rolling out"
            };
        }
        if (in.roll() instanceof RollStep.Restart restart) {
            return new String[] {"RollingBrokers", restart.reason()};
        }
        if (in.roll() instanceof RollStep.Replace replace) {
            return new String[] {"RollingBrokers", replace.reason()};
        }
        if (in.roll() instanceof RollStep.Wait wait) {
            return new String[] {"RollingBrokers", wait.reason() + troubleOf(in, wait.group())};
        }
        List<String> coming = notReady.stream()
                .filter(name -> !wasRegistered(in.cluster(), name))
                .toList();
        if (!coming.isEmpty()) {
            return new String[] {
                created ? "Creating" : "ScalingOut",
                "waiting for groups to be ready and registered: " + explained(in, coming)
            };
        }
        return null;
    }

    /** " [why the group's pods are not ready]", or nothing when no pod says. */
    private static String troubleOf(Inputs in, String group) {
        return in.groups().stream()
                .filter(g -> g.name().equals(group) && g.trouble() != null)
                .findFirst()
                .map(g -> " [" + g.trouble() + "]")
                .orElse("");
    }

    /** Group names, each followed by why its pods are not ready when a pod says so. */
    private static String explained(Inputs in, List<String> names) {
        return String.join(
                ", ",
                names.stream()
                        .map(name -> in.groups().stream()
                                .filter(g -> g.name().equals(name) && g.trouble() != null)
                                .findFirst()
                                .map(g -> name + " [" + g.trouble() + "]")
                                .orElse(name))
                        .toList());
    }

    /** Until the cluster is first reconciled, Progressing says Creating rather than what waits. */
    private static boolean creating(RocketCluster cluster) {
        if (cluster.getStatus() == null) {
            return true;
        }
        return Conditions.find(cluster.getStatus().getConditions(), RocketClusterStatus.PROGRESSING)
                .map(c -> "Creating".equals(c.getReason())
                        || ("InvalidSpec".equals(c.getReason())
                                && cluster.getStatus().getBrokerGroups().isEmpty()))
                .orElse(true);
    }

    /**
     * Whether the last status saw the group registered. A group that never was is still coming up;
     * one that was and is now not ready is degraded.
     */
    private static boolean wasRegistered(RocketCluster cluster, String group) {
        return cluster.getStatus() != null
                && cluster.getStatus().getBrokerGroups().stream()
                        .anyMatch(g -> group.equals(g.getName()) && g.isRegistered());
    }
}
