package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.model.DesiredCluster;
import io.rocketkube.operator.model.Names;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Combines what the informers saw with what the brokers and NameServers say: registration and
 * replication lag. Admin failures are collected, not thrown, so the rest of the reconciliation
 * still runs and reports them.
 */
public final class BrokerObserver {

    private final BrokerAdmin admin;

    public BrokerObserver(BrokerAdmin admin) {
        this.admin = admin;
    }

    /** The result: every existing or wanted group by ordinal, and the admin errors met. */
    public record Result(Map<Integer, GroupState> groups, List<String> nameServers, List<String> adminErrors) {}

    public Result observe(RocketCluster cluster, ClusterObservation seen, DesiredCluster desired) {
        List<String> errors = new ArrayList<>();
        List<String> nameServers = nameServerAddresses(seen);
        Set<String> registered = Set.of();
        if (!nameServers.isEmpty()) {
            try {
                registered = admin.registeredMasters(
                        nameServers, cluster.getMetadata().getName());
            } catch (BrokerAdminException e) {
                errors.add(e.getMessage());
            }
        }
        Map<Integer, GroupState> groups = new TreeMap<>();
        for (int ordinal : ordinals(seen.groups().keySet(), desired.groups().keySet())) {
            String name = Names.brokerGroup(cluster, ordinal);
            DesiredCluster.Group wanted = desired.groups().get(ordinal);
            StatefulSet existing = seen.groups().get(ordinal);
            String hash = wanted != null ? wanted.configHash() : templateHash(existing);
            int replicas = wanted != null
                    ? wanted.statefulSet().getSpec().getReplicas()
                    : existing.getSpec().getReplicas();
            GroupState group = group(seen, ordinal, name, hash, replicas, registered.contains(name));
            groups.put(ordinal, group.withLag(lag(group, errors)));
        }
        return new Result(groups, nameServers, errors);
    }

    /**
     * The groups that exist, as the informers saw them, asking no broker or NameServer (registration
     * false, lag unknown): for passes that apply no spec.
     */
    public static Result existing(RocketCluster cluster, ClusterObservation seen) {
        Map<Integer, GroupState> groups = new TreeMap<>();
        seen.groups()
                .forEach((ordinal, existing) -> groups.put(
                        ordinal,
                        group(
                                seen,
                                ordinal,
                                Names.brokerGroup(cluster, ordinal),
                                templateHash(existing),
                                existing.getSpec().getReplicas(),
                                false)));
        return new Result(groups, nameServerAddresses(seen), List.of());
    }

    private static GroupState group(
            ClusterObservation seen, int ordinal, String name, String hash, int replicas, boolean registered) {
        List<PersistentVolumeClaim> claims = seen.claimsOf(name);
        List<PodState> pods = seen.podsOf(name).stream()
                .map(p -> PodState.of(p, claims))
                .filter(p -> p.ordinal() >= 0 && p.ordinal() < replicas)
                .toList();
        return new GroupState(ordinal, name, hash, replicas, pods, registered, null);
    }

    /** Remoting addresses of the group's pods that have an IP. */
    public static GroupEndpoints endpoints(GroupState group) {
        String master = group.master()
                .map(PodState::ip)
                .map(BrokerObserver::brokerAddress)
                .orElse(null);
        List<String> slaves = group.slaves().stream()
                .filter(p -> p.ip() != null)
                .map(p -> brokerAddress(p.ip()))
                .toList();
        return new GroupEndpoints(group.name(), master, slaves);
    }

    private Long lag(GroupState group, List<String> errors) {
        if (!group.masterReady()
                || group.slaves().isEmpty()
                || group.slaves().stream().noneMatch(PodState::ready)) {
            return null;
        }
        try {
            Map<String, Long> lag = admin.replicationLagBytes(endpoints(group));
            if (lag.size() < group.slaves().size()) {
                return null;
            }
            return lag.values().stream().mapToLong(Long::longValue).max().orElse(0);
        } catch (BrokerAdminException e) {
            errors.add(e.getMessage());
            return null;
        }
    }

    private static List<String> nameServerAddresses(ClusterObservation seen) {
        return seen.nameServerPods().stream()
                .map(PodState::of)
                .filter(p -> p.ready() && p.ip() != null)
                .map(p -> p.ip() + ":" + Names.NAMESRV_PORT)
                .toList();
    }

    static String brokerAddress(String ip) {
        return ip + ":" + Names.BROKER_PORT;
    }

    private static String templateHash(StatefulSet sts) {
        Map<String, String> annotations =
                sts.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(ConfigHash.ANNOTATION);
    }

    private static Collection<Integer> ordinals(Set<Integer> existing, Set<Integer> wanted) {
        TreeMap<Integer, Boolean> all = new TreeMap<>();
        existing.forEach(o -> all.put(o, true));
        wanted.forEach(o -> all.put(o, true));
        return all.keySet();
    }
}
