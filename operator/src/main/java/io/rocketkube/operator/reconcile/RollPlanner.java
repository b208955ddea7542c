package io.rocketkube.operator.reconcile;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides the next pod restart of a broker roll. Pure: the same observation gives the same step.
 *
 * <p>The order: NameServers first (their Deployment rolls them one at a time), then one broker
 * group at a time, by ordinal. In a group the slaves go first, highest ordinal first, each only
 * when every pod of the group is ready; the master goes last, once every slave is ready and caught
 * up, so that the slave that takes over reads lose nothing and a SYNC_MASTER keeps a slave to
 * acknowledge sends. A group starts only when the groups before it are ready and registered.
 *
 * <p>Before all of that, a pod that failed on an outdated configuration is replaced at once
 * ({@link RollStep.Replace}): the gates wait for every pod to be ready, which such a pod never
 * is, so a roll stuck on a bad change would otherwise stay stuck after the user fixed the spec.
 */
public final class RollPlanner {

    private RollPlanner() {}

    /**
     * @param groups the wanted groups, any order
     * @param nameServersRolledOut whether the NameServer Deployment runs its current template on
     *     every replica
     * @param maxLagBytes replication lag under which a slave counts as caught up
     */
    public static RollStep next(List<GroupState> groups, boolean nameServersRolledOut, long maxLagBytes) {
        List<GroupState> ordered = groups.stream()
                .sorted(Comparator.comparingInt(GroupState::ordinal))
                .toList();
        Optional<GroupState> active =
                ordered.stream().filter(GroupState::hasStalePods).findFirst();
        if (active.isEmpty()) {
            return new RollStep.Idle();
        }
        Optional<RollStep> failed = ordered.stream()
                .flatMap(g -> g.pods().stream()
                        .filter(p -> g.isStale(p) && !p.ready() && p.trouble() != null)
                        .map(p -> (RollStep) new RollStep.Replace(
                                g.name(),
                                p.name(),
                                "replacing " + p.name() + " of " + g.name() + ", which failed on an outdated"
                                        + " configuration (" + p.trouble() + "), with configuration "
                                        + g.desiredHash())))
                .findFirst();
        if (failed.isPresent()) {
            return failed.get();
        }
        GroupState group = active.get();
        if (!nameServersRolledOut) {
            return new RollStep.Wait(group.name(), "waiting for the NameServers to finish rolling");
        }
        for (GroupState before : ordered) {
            if (before.ordinal() >= group.ordinal()) {
                break;
            }
            if (!before.ready()) {
                return new RollStep.Wait(
                        group.name(),
                        "waiting for group " + before.name() + " to be ready and registered before rolling "
                                + group.name());
            }
        }
        if (!group.allPodsReady()) {
            return new RollStep.Wait(
                    group.name(),
                    "waiting for every pod of " + group.name() + " to be ready (" + readyCount(group) + "/"
                            + group.replicas() + ")");
        }
        Optional<PodState> staleSlave =
                group.slaves().stream().filter(group::isStale).max(Comparator.comparingInt(PodState::ordinal));
        if (staleSlave.isPresent()) {
            return new RollStep.Restart(
                    group.name(),
                    staleSlave.get().name(),
                    false,
                    "restarting slave " + staleSlave.get().name() + " of " + group.name() + " to apply configuration "
                            + group.desiredHash());
        }
        PodState master = group.master().orElseThrow();
        if (!group.slaves().isEmpty()) {
            if (group.maxSlaveLagBytes() == null) {
                return new RollStep.Wait(
                        group.name(),
                        "waiting to learn the replication lag of " + group.name()
                                + "'s slaves before restarting its master");
            }
            if (group.maxSlaveLagBytes() > maxLagBytes) {
                return new RollStep.Wait(
                        group.name(),
                        "waiting for the slaves of " + group.name()
                                + " to catch up: " + group.maxSlaveLagBytes() + " bytes behind (limit " + maxLagBytes
                                + ")");
            }
        }
        return new RollStep.Restart(
                group.name(),
                master.name(),
                true,
                "restarting master " + master.name() + " of " + group.name() + " to apply configuration "
                        + group.desiredHash() + " (slaves are caught up)");
    }

    private static long readyCount(GroupState group) {
        return group.pods().stream().filter(PodState::ready).count();
    }
}
