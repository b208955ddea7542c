package io.rocketkube.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The operator's own settings, read once at start-up; see operator/README.md. */
@ConfigMapping(prefix = "rocketkube.operator")
public interface OperatorConfig {

    /** Image repository used when a RocketCluster does not name one. */
    @WithDefault("docker.io/rocketkube")
    String imageRepository();

    /**
     * A slave counts as caught up, and its master may be restarted, once it is at most this many
     * CommitLog bytes behind. Zero would stall a roll under steady traffic, because an ASYNC_MASTER's
     * slave always trails by the bytes of the last few sends.
     */
    @WithDefault("4194304")
    long maxReplicationLagBytes();

    /** How often a cluster is looked at again while nothing changes, to refresh lag and status. */
    @WithDefault("30s")
    Duration resyncInterval();

    /** How often a cluster is looked at again while a roll or scale-in waits on the brokers. */
    @WithDefault("5s")
    Duration busyInterval();

    /** Timeout of one admin call to a broker or NameServer. */
    @WithDefault("3s")
    Duration adminTimeout();

    /**
     * Longest time a broker may take from start to ready (CommitLog recovery included) before its
     * startup probe fails and it is restarted.
     */
    @WithDefault("15m")
    Duration brokerStartupTimeout();

    /**
     * How long producers keep using a cached route: after a leaving group's writes are stopped, the
     * drain waits this long before judging the group empty, so that no send in flight on an old
     * route lands after the judgement. RocketMQ clients refresh every 30 s
     * ({@code pollNameServerInterval}); raise it if your producers poll more slowly.
     */
    @WithDefault("30s")
    Duration routeRefreshPeriod();

    /**
     * Name of the coordination.k8s.io Lease that elects the one replica that reconciles (JOSDK's
     * Lease-based leader election, active in the prod profile). The others wait, ready to take over.
     */
    @WithDefault("rocketkube-operator")
    String leaseName();

    /**
     * Whether to elect a leader (prod profile only). Off only for a single operator outside a
     * cluster, e.g. against fabric8's mock API server, which cannot answer JOSDK's permission check
     * (SelfSubjectRulesReview) for Leases.
     */
    @WithDefault("true")
    boolean leaderElection();

    /**
     * Namespace of the Lease. Empty: the operator's own namespace (in a pod, from its service
     * account; out of a cluster set this or KUBERNETES_NAMESPACE).
     */
    java.util.Optional<String> leaseNamespace();
}
