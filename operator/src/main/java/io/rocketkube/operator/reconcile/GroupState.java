package io.rocketkube.operator.reconcile;

import java.util.List;
import java.util.Optional;

/**
 * One broker group as observed: its pods, registration and replication.
 *
 * @param desiredHash the configuration hash of the group's current pod template
 * @param replicas pods the group should have
 * @param registered whether the NameServers list its master
 * @param maxSlaveLagBytes bytes the furthest-behind slave trails its master; null when unknown
 */
public record GroupState(
        int ordinal,
        String name,
        String desiredHash,
        int replicas,
        List<PodState> pods,
        boolean registered,
        Long maxSlaveLagBytes) {

    public GroupState withLag(Long lagBytes) {
        return new GroupState(ordinal, name, desiredHash, replicas, pods, registered, lagBytes);
    }

    public Optional<PodState> master() {
        return pods.stream().filter(PodState::isMaster).findFirst();
    }

    public List<PodState> slaves() {
        return pods.stream().filter(p -> p.ordinal() > 0).toList();
    }

    public boolean masterReady() {
        return master().map(PodState::ready).orElse(false);
    }

    public int slavesReady() {
        return (int) slaves().stream().filter(PodState::ready).count();
    }

    /** Every pod exists and is ready. */
    public boolean allPodsReady() {
        return pods.size() == replicas && pods.stream().allMatch(PodState::ready);
    }

    /** Clients can use it: all pods ready and the master registered. */
    public boolean ready() {
        return allPodsReady() && registered;
    }

    /** Why the group's pods are not ready, joined, or null when no pod reports a reason. */
    public String trouble() {
        List<String> troubles = pods.stream()
                .map(PodState::trouble)
                .filter(java.util.Objects::nonNull)
                .toList();
        return troubles.isEmpty() ? null : String.join("; ", troubles);
    }

    public boolean isStale(PodState pod) {
        return desiredHash != null && !desiredHash.equals(pod.configHash());
    }

    public boolean hasStalePods() {
        return pods.stream().anyMatch(this::isStale);
    }
}
