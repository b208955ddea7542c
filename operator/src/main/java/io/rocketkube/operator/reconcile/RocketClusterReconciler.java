package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quarkiverse.operatorsdk.annotations.RBACRule;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.RocketClusterStatus;
import io.rocketkube.operator.admin.BrokerAdmin;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.model.ConfigHash;
import io.rocketkube.operator.model.DesiredCluster;
import io.rocketkube.operator.model.Labels;
import io.rocketkube.operator.model.SpecValidator;
import io.rocketkube.operator.status.Conditions;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reconciles a RocketCluster as a list of named steps; each step is a small class.
 *
 * <p>Owned objects are written here rather than through JOSDK's managed dependents, because the
 * operator must decide when they may change: pods are restarted one at a time, and a leaving
 * group's objects outlive the spec that dropped them until the group is drained. Generation-aware
 * filtering is off because the pause and force annotations change no generation; unchanged
 * status is never written back, so this does not loop.
 */
// The rules of deploy/install/020-ClusterRole, for the manifests and Helm chart Quarkus generates.
@RBACRule(
        apiGroups = "apps",
        resources = {"deployments", "statefulsets"},
        verbs = {"get", "list", "watch", "create", "update", "delete"})
@RBACRule(
        apiGroups = "",
        resources = {"services", "configmaps"},
        verbs = {"get", "list", "watch", "create", "update", "delete"})
@RBACRule(
        apiGroups = "policy",
        resources = "poddisruptionbudgets",
        verbs = {"get", "list", "watch", "create", "update", "delete"})
@RBACRule(
        apiGroups = "",
        resources = "pods",
        verbs = {"get", "list", "watch", "delete"})
@RBACRule(
        apiGroups = "",
        resources = "persistentvolumeclaims",
        verbs = {"get", "list", "watch", "patch", "delete", "deletecollection"})
@RBACRule(
        apiGroups = "",
        resources = "secrets",
        verbs = {"get"})
@RBACRule(
        apiGroups = "",
        resources = "events",
        verbs = {"create", "patch"})
@RBACRule(
        apiGroups = "storage.k8s.io",
        resources = "storageclasses",
        verbs = {"get", "list"})
@RBACRule(
        apiGroups = "coordination.k8s.io",
        resources = "leases",
        verbs = {"get", "create", "update"})
@ControllerConfiguration(name = RocketClusterReconciler.NAME, generationAwareEventProcessing = false)
public class RocketClusterReconciler implements Reconciler<RocketCluster> {

    public static final String NAME = "rocketcluster";
    static final String RECONCILE_FAILED = "ReconcileFailed";

    private final OperatorSettings settings;
    private final Clock clock;
    private final EventRecorder events;
    private final BrokerObserver brokers;
    private final GroupDrainer drainer;
    private final MasterWriteStop masterWrites;
    private final ClaimOwnership claims = new ClaimOwnership();
    private final BrokerStorage storage;
    private final AdminSigning signing;
    /** By cluster uid, when its progress deadline was last reported as passed. */
    private final Map<String, String> deadlinesWarned = new java.util.concurrent.ConcurrentHashMap<>();

    /** A reconciler whose admin signs nothing (tests with a fake admin). */
    public RocketClusterReconciler(OperatorSettings settings, BrokerAdmin admin, Clock clock) {
        this(settings, admin, new BrokerCredentials(), clock);
    }

    /** @param credentials what {@code admin} signs its requests with, kept current from each cluster's ACL Secret */
    @Inject
    public RocketClusterReconciler(
            OperatorSettings settings, BrokerAdmin admin, BrokerCredentials credentials, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.events = new EventRecorder(clock);
        this.signing = new AdminSigning(credentials, events);
        this.brokers = new BrokerObserver(admin);
        this.drainer = new GroupDrainer(admin, events, new GroupRemover(), clock, settings.routeRefreshPeriod());
        this.masterWrites = new MasterWriteStop(admin, events, clock, settings.routeRefreshPeriod());
        this.storage = new BrokerStorage(events);
    }

    @Override
    public List<EventSource<?, RocketCluster>> prepareEventSources(EventSourceContext<RocketCluster> context) {
        return List.of(
                owned(context, Deployment.class),
                owned(context, StatefulSet.class),
                owned(context, Service.class),
                owned(context, ConfigMap.class),
                owned(context, PodDisruptionBudget.class),
                // Pods belong to their StatefulSet or ReplicaSet and claims to no one, so both are
                // mapped to their cluster by the instance label instead of an owner reference.
                labelled(context, Pod.class),
                labelled(context, PersistentVolumeClaim.class));
    }

    @Override
    public UpdateControl<RocketCluster> reconcile(RocketCluster cluster, Context<RocketCluster> context) {
        KubernetesClient client = context.getClient();
        ClusterObservation seen = ClusterObservation.of(cluster, context);
        if (isPaused(cluster)) {
            boolean held = restoreHaltedMasters(client, cluster, seen, "reconciliation is paused");
            return reportPaused(cluster, held);
        }
        List<String> errors = SpecValidator.validate(asParsed(cluster, context));
        if (!errors.isEmpty()) {
            boolean held = restoreHaltedMasters(client, cluster, seen, "the spec is invalid");
            return rejectSpec(client, cluster, errors, held);
        }
        // A refused storage change keeps the groups' storage; everything else in the spec applies.
        StorageChange.Decision storageChange = storage.decide(client, cluster, seen);
        DesiredCluster desired = DesiredCluster.of(BrokerStorage.withApplied(cluster, storageChange), settings);
        // Before any admin request of this reconciliation.
        signing.refresh(client, cluster, seen);
        boolean nameServersRolledOut = applyNameServers(client, cluster, desired, seen);
        applyBrokerGroups(client, cluster, desired, seen);
        claims.align(client, cluster, seen.claims());
        storage.expandClaims(client, cluster, storageChange, seen.claims());
        BrokerObserver.Result observed = brokers.observe(cluster, seen, desired);
        List<String> rollErrors = new ArrayList<>();
        RollStep roll = rollBrokers(client, cluster, observed, seen, nameServersRolledOut, rollErrors);
        GroupDrainer.Outcome drain = drainer.drain(client, cluster, observed, seen);
        return reportStatus(
                client, cluster, seen, observed, nameServersRolledOut, roll, drain, rollErrors, storageChange);
    }

    /** Before any admin request: {@link MasterWriteStop#restoreHalted}; whether a stopped master is left. */
    private boolean restoreHaltedMasters(
            KubernetesClient client, RocketCluster cluster, ClusterObservation seen, String why) {
        signing.refresh(client, cluster, seen);
        return masterWrites.restoreHalted(client, cluster, seen, why);
    }

    /**
     * A reconcile that threw: the user sees it in the status (no stale Ready=True) and as an Event
     * (once per distinct message, not once per retry). Retried every busy interval for as long as
     * it fails: JOSDK's own retry gives up after a few attempts and would then leave the cluster
     * unreconciled until something else changes.
     */
    @Override
    public ErrorStatusUpdateControl<RocketCluster> updateErrorStatus(
            RocketCluster cluster, Context<RocketCluster> context, Exception e) {
        String message = "reconcile failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        List<Condition> current = conditions(cluster);
        boolean alreadyReported = Conditions.find(current, RocketClusterStatus.DEGRADED)
                .map(c -> message.equals(c.getMessage()))
                .orElse(false);
        if (!alreadyReported) {
            events.record(context.getClient(), cluster, EventRecorder.WARNING, RECONCILE_FAILED, message);
        }
        Long generation = cluster.getMetadata().getGeneration();
        RocketClusterStatus status = copyStatus(cluster);
        var next = Conditions.set(
                current, RocketClusterStatus.READY, false, RECONCILE_FAILED, message, generation, clock.instant());
        next = Conditions.set(
                next, RocketClusterStatus.DEGRADED, true, RECONCILE_FAILED, message, generation, clock.instant());
        status.setConditions(next);
        cluster.setStatus(status);
        return ErrorStatusUpdateControl.patchStatus(cluster).withNoRetry().rescheduleAfter(settings.busyInterval());
    }

    /** NameServer KV ConfigMap, Deployment, Services and budget; true when every NameServer runs the current template. */
    private boolean applyNameServers(
            KubernetesClient client, RocketCluster cluster, DesiredCluster desired, ClusterObservation seen) {
        ResourceApplier.DriftListener drift = driftReporter(client, cluster);
        // Before the Deployment: its pods mount the seed and read it at start.
        ResourceApplier.apply(
                client, desired.nameServerKv(), seen.nameServerKv().orElse(null), drift);
        Deployment current = seen.nameServers().orElse(null);
        String currentHash = current == null
                ? null
                : current.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
        if (ResourceApplier.apply(client, desired.nameServers(), current, drift)
                && current != null
                && !desired.nameServerHash().equals(currentHash)) {
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    "RollingNameServers",
                    "Replacing the NameServers one at a time with configuration " + desired.nameServerHash());
        }
        ResourceApplier.apply(
                client,
                desired.nameServerHeadless(),
                seen.services().get(desired.nameServerHeadless().getMetadata().getName()),
                drift);
        ResourceApplier.apply(
                client,
                desired.nameServerClient(),
                seen.services().get(desired.nameServerClient().getMetadata().getName()),
                drift);
        ResourceApplier.apply(
                client,
                desired.nameServerBudget(),
                seen.budgets().get(desired.nameServerBudget().getMetadata().getName()),
                drift);
        return current != null && desired.nameServerHash().equals(currentHash) && NameServerRollout.complete(current);
    }

    /** The broker ConfigMap, then each wanted group's StatefulSet, Service and budget. */
    private void applyBrokerGroups(
            KubernetesClient client, RocketCluster cluster, DesiredCluster desired, ClusterObservation seen) {
        ResourceApplier.DriftListener drift = driftReporter(client, cluster);
        ResourceApplier.apply(
                client, desired.brokerConfig(), seen.brokerConfig().orElse(null), drift);
        desired.groups().forEach((ordinal, group) -> {
            StatefulSet existing = seen.groups().get(ordinal);
            BrokerStorage.keepClaimTemplates(group.statefulSet(), existing);
            if (ResourceApplier.apply(client, group.statefulSet(), existing, drift) && existing == null) {
                events.record(
                        client, cluster, EventRecorder.NORMAL, "GroupCreated", "Created broker group " + group.name());
            }
            ResourceApplier.apply(client, group.service(), seen.services().get(group.name()), drift);
            ResourceApplier.apply(client, group.budget(), seen.budgets().get(group.name()), drift);
        });
    }

    /** A Warning Event for each hand edit of an owned object that the operator put back. */
    private ResourceApplier.DriftListener driftReporter(KubernetesClient client, RocketCluster cluster) {
        return (object, path) -> events.record(
                client,
                cluster,
                EventRecorder.WARNING,
                "DriftReverted",
                object.getKind() + " " + object.getMetadata().getName() + " was edited by hand (" + path
                        + " differs from the spec); restored it");
    }

    /**
     * At most one broker pod restart per reconciliation, in the planner's order; a master only once
     * its writes have been stopped for one route refresh ({@link MasterWriteStop}).
     */
    private RollStep rollBrokers(
            KubernetesClient client,
            RocketCluster cluster,
            BrokerObserver.Result observed,
            ClusterObservation seen,
            boolean nameServersRolledOut,
            List<String> errors) {
        int wanted = cluster.getSpec().getBroker().getGroups();
        List<GroupState> groups = observed.groups().values().stream()
                .filter(g -> g.ordinal() < wanted)
                .toList();
        masterWrites.restoreRestarted(client, cluster, groups, observed.nameServers(), seen, errors);
        RollStep step = RollPlanner.next(groups, nameServersRolledOut, settings.maxReplicationLagBytes());
        if (step instanceof RollStep.Restart restart && restart.master()) {
            GroupState group = groups.stream()
                    .filter(g -> g.name().equals(restart.group()))
                    .findFirst()
                    .orElseThrow();
            Optional<String> wait = masterWrites.beforeRestart(
                    client, cluster, group, observed.nameServers(), seen.claimsOf(group.name()));
            if (wait.isPresent()) {
                return new RollStep.Wait(group.name(), wait.get());
            }
        }
        if (step instanceof RollStep.Replace replace) {
            client.pods()
                    .inNamespace(cluster.getMetadata().getNamespace())
                    .withName(replace.pod())
                    .delete();
            events.record(client, cluster, EventRecorder.WARNING, "ReplacingFailedPod", replace.reason());
        }
        if (step instanceof RollStep.Restart restart) {
            client.pods()
                    .inNamespace(cluster.getMetadata().getNamespace())
                    .withName(restart.pod())
                    .delete();
            events.record(
                    client,
                    cluster,
                    EventRecorder.NORMAL,
                    restart.master() ? "RestartingMaster" : "RestartingSlave",
                    restart.reason());
        }
        return step;
    }

    private UpdateControl<RocketCluster> reportStatus(
            KubernetesClient client,
            RocketCluster cluster,
            ClusterObservation seen,
            BrokerObserver.Result observed,
            boolean nameServersRolledOut,
            RollStep roll,
            GroupDrainer.Outcome drain,
            List<String> rollErrors,
            StorageChange.Decision storageChange) {
        List<String> adminErrors = new ArrayList<>(observed.adminErrors());
        adminErrors.addAll(rollErrors);
        adminErrors.addAll(drain.adminErrors());
        RocketClusterStatus status = StatusComposer.compose(new StatusComposer.Inputs(
                cluster,
                StatusComposer.readyReplicas(seen.nameServers()),
                nameServersRolledOut,
                List.copyOf(observed.groups().values()),
                roll,
                drain,
                adminErrors,
                clock.instant()));
        storage.report(client, cluster, status, storageChange, clock.instant());
        warnWhenProgressDeadlinePasses(client, cluster, status);
        boolean busy = !(roll instanceof RollStep.Idle)
                || drain.inProgress()
                || Conditions.isTrue(status.getConditions(), RocketClusterStatus.PROGRESSING);
        return withStatus(cluster, status, busy ? settings.busyInterval() : settings.resyncInterval());
    }

    /** One Warning Event when Progressing turns ProgressDeadlineExceeded, not one per pass. */
    private void warnWhenProgressDeadlinePasses(
            KubernetesClient client, RocketCluster cluster, RocketClusterStatus status) {
        var now = Conditions.find(status.getConditions(), RocketClusterStatus.PROGRESSING);
        boolean exceeded =
                now.map(c -> ProgressDeadline.EXCEEDED.equals(c.getReason())).orElse(false);
        boolean wasExceeded = Conditions.find(conditions(cluster), RocketClusterStatus.PROGRESSING)
                .map(c -> ProgressDeadline.EXCEEDED.equals(c.getReason()))
                .orElse(false);
        // The informer may hand the next pass the cluster from before this status was written; the
        // transition time tells that pass it is the same deadline.
        if (exceeded
                && !wasExceeded
                && !now.get()
                        .getLastTransitionTime()
                        .equals(deadlinesWarned.put(
                                cluster.getMetadata().getUid(), now.get().getLastTransitionTime()))) {
            events.record(
                    client,
                    cluster,
                    EventRecorder.WARNING,
                    ProgressDeadline.EXCEEDED,
                    now.get().getMessage());
        }
    }

    private UpdateControl<RocketCluster> rejectSpec(
            KubernetesClient client, RocketCluster cluster, List<String> errors, boolean mastersHeld) {
        String message = "invalid spec: " + String.join("; ", errors);
        List<Condition> current = conditions(cluster);
        boolean alreadyReported = Conditions.find(current, RocketClusterStatus.DEGRADED)
                .map(c -> message.equals(c.getMessage()))
                .orElse(false);
        if (!alreadyReported) {
            events.record(client, cluster, EventRecorder.WARNING, "InvalidSpec", message);
        }
        Long generation = cluster.getMetadata().getGeneration();
        RocketClusterStatus status = copyStatus(cluster);
        status.setObservedGeneration(generation);
        var next = Conditions.set(
                current, RocketClusterStatus.READY, false, "InvalidSpec", message, generation, clock.instant());
        next = Conditions.set(
                next,
                RocketClusterStatus.PROGRESSING,
                false,
                "InvalidSpec",
                "nothing is changed until the spec is fixed",
                generation,
                clock.instant());
        next = Conditions.set(
                next, RocketClusterStatus.DEGRADED, true, "InvalidSpec", message, generation, clock.instant());
        status.setConditions(next);
        return withStatus(cluster, status, mastersHeld ? settings.busyInterval() : settings.resyncInterval());
    }

    private UpdateControl<RocketCluster> reportPaused(RocketCluster cluster, boolean mastersHeld) {
        RocketClusterStatus status = copyStatus(cluster);
        status.setConditions(Conditions.set(
                conditions(cluster),
                RocketClusterStatus.PROGRESSING,
                false,
                "ReconciliationPaused",
                "annotation " + RocketCluster.PAUSE_ANNOTATION + "=true: the operator changes nothing but giving"
                        + " writes back to masters a roll had stopped",
                cluster.getMetadata().getGeneration(),
                clock.instant()));
        return withStatus(cluster, status, mastersHeld ? settings.busyInterval() : settings.resyncInterval());
    }

    /** Writes the status only when it changed, so that our own writes do not trigger reconciles. */
    private UpdateControl<RocketCluster> withStatus(
            RocketCluster cluster, RocketClusterStatus status, Duration requeue) {
        if (cluster.getStatus() != null
                && Objects.equals(Serialization.asJson(cluster.getStatus()), Serialization.asJson(status))) {
            return UpdateControl.<RocketCluster>noUpdate().rescheduleAfter(requeue);
        }
        cluster.setStatus(status);
        return UpdateControl.patchStatus(cluster).rescheduleAfter(requeue);
    }

    private static RocketClusterStatus copyStatus(RocketCluster cluster) {
        return cluster.getStatus() == null
                ? new RocketClusterStatus()
                : Serialization.unmarshal(Serialization.asJson(cluster.getStatus()), RocketClusterStatus.class);
    }

    private static List<Condition> conditions(RocketCluster cluster) {
        return cluster.getStatus() == null ? List.of() : cluster.getStatus().getConditions();
    }

    /**
     * The informer's own object when it is the same version: JOSDK hands reconcile a serialized
     * copy, which drops the unknown fields the model collected (SpecObject) for validation.
     */
    private static RocketCluster asParsed(RocketCluster cluster, Context<RocketCluster> context) {
        return context.getPrimaryCache()
                .get(ResourceID.fromResource(cluster))
                .filter(cached -> Objects.equals(
                        cached.getMetadata().getResourceVersion(),
                        cluster.getMetadata().getResourceVersion()))
                .orElse(cluster);
    }

    private static boolean isPaused(RocketCluster cluster) {
        Map<String, String> annotations = cluster.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(RocketCluster.PAUSE_ANNOTATION));
    }

    private static <R extends HasMetadata> InformerEventSource<R, RocketCluster> owned(
            EventSourceContext<RocketCluster> context, Class<R> type) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, RocketCluster.class)
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .build(),
                context);
    }

    private static <R extends HasMetadata> InformerEventSource<R, RocketCluster> labelled(
            EventSourceContext<RocketCluster> context, Class<R> type) {
        return new InformerEventSource<>(
                InformerEventSourceConfiguration.from(type, RocketCluster.class)
                        .withLabelSelector(Labels.MANAGED_SELECTOR)
                        .withSecondaryToPrimaryMapper(r -> {
                            String instance = r.getMetadata().getLabels().get(Labels.INSTANCE);
                            return instance == null
                                    ? Set.of()
                                    : Set.of(new ResourceID(
                                            instance, r.getMetadata().getNamespace()));
                        })
                        .build(),
                context);
    }
}
