package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One broker group's StatefulSet: ordinal 0 is the master, 1 and up its slaves.
 *
 * <p>updateStrategy OnDelete: Kubernetes never restarts a broker on its own; the operator deletes
 * pods slaves-first once their replacement would be safe (see the roll planner). Pods start in
 * parallel because a slave's start does not depend on its master's.
 */
public final class BrokerStatefulSet {

    static final String CONTAINER = "broker";
    static final String STORE_VOLUME = "store";
    /** The volume of the ACL Secret; the operator finds which Secret a running pod mounts by this name. */
    public static final String ACL_VOLUME = "acl";

    private BrokerStatefulSet() {}

    public static StatefulSet desired(
            RocketCluster cluster, int ordinal, ConfigMap brokerConfig, OperatorSettings settings) {
        BrokerSpec broker = cluster.getSpec().getBroker();
        String group = Names.brokerGroup(cluster, ordinal);
        Map<String, String> selector = Labels.groupSelector(cluster, group);
        boolean persistent = broker.getStorage().getType() == StorageSpec.StorageType.PERSISTENT_CLAIM;
        PodSpec podSpec = podSpec(cluster, group, selector, persistent, settings);
        String retention = broker.getStorage().isDeleteClaim() ? "Delete" : "Retain";
        StatefulSetBuilder sts = new StatefulSetBuilder()
                .withMetadata(Metadata.owned(cluster, group, selector))
                .withNewSpec()
                .withReplicas(broker.getReplicasPerGroup())
                .withServiceName(group)
                .withPodManagementPolicy("Parallel")
                .withNewUpdateStrategy()
                .withType("OnDelete")
                .endUpdateStrategy()
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewPersistentVolumeClaimRetentionPolicy()
                .withWhenDeleted(retention)
                .withWhenScaled(retention)
                .endPersistentVolumeClaimRetentionPolicy()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(PodOverlay.labels(broker.getPod(), Labels.managed(selector)))
                .withAnnotations(PodOverlay.annotations(broker.getPod()))
                .addToAnnotations(ConfigHash.ANNOTATION, templateHash(broker, podSpec, brokerConfig))
                .endMetadata()
                .withSpec(podSpec)
                .endTemplate()
                .endSpec();
        if (persistent) {
            sts.editSpec()
                    .withVolumeClaimTemplates(claimTemplate(cluster, group, broker.getStorage()))
                    .endSpec();
        }
        return sts.build();
    }

    /**
     * How long the kubelet waits after SIGTERM before it kills the broker: the broker's {@code
     * shutdown-grace} for the sends in flight, plus 50 s to flush the CommitLog, unregister from every
     * NameServer and persist offsets; at least 60 s (the default grace of 10 s). A grace set longer than
     * the pod's would have the broker killed part-way, skipping the flush and the unregistration.
     */
    static long terminationGraceSeconds(BrokerSpec broker) {
        String text = broker.getConfig() == null ? null : broker.getConfig().get("shutdown-grace");
        long graceSeconds = 10;
        if (text != null && !text.isBlank()) {
            try {
                // The broker's own reading of the value (its configuration converts durations with this).
                graceSeconds = (DurationConverter.parseDuration(text.trim()).toMillis() + 999) / 1000;
            } catch (IllegalArgumentException e) {
                // Refused by SpecValidator before anything is rendered.
            }
        }
        return Math.max(60, graceSeconds + 50);
    }

    /**
     * What a pod's restart applies. The ConfigMap is part of it: a config change restarts the brokers in
     * order. So are the user's pod labels and annotations, which the StatefulSet's OnDelete strategy would
     * otherwise never bring to running pods (a label a NetworkPolicy selects, a scrape annotation); they
     * count only when set, so that clusters without them keep the hash earlier versions gave them and an
     * operator upgrade restarts nothing.
     */
    private static String templateHash(BrokerSpec broker, PodSpec podSpec, ConfigMap brokerConfig) {
        Map<String, String> labels = new TreeMap<>(PodOverlay.labels(broker.getPod(), Map.of()));
        Map<String, String> annotations = new TreeMap<>(PodOverlay.annotations(broker.getPod()));
        return labels.isEmpty() && annotations.isEmpty()
                ? ConfigHash.of(podSpec, brokerConfig.getData())
                : ConfigHash.of(podSpec, brokerConfig.getData(), labels, annotations);
    }

    private static PodSpec podSpec(
            RocketCluster cluster,
            String group,
            Map<String, String> selector,
            boolean persistent,
            OperatorSettings settings) {
        BrokerSpec broker = cluster.getSpec().getBroker();
        boolean required = broker.getAntiAffinity() == BrokerSpec.AntiAffinity.required;
        PodSpecBuilder pod = new PodSpecBuilder()
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withTerminationGracePeriodSeconds(terminationGraceSeconds(broker))
                .withAffinity(Affinities.spread(broker.getPod().getAffinity(), selector, required))
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(PodOverlay.image(cluster, settings, "broker"))
                        .withImagePullPolicy(PodOverlay.pullPolicy(cluster))
                        .withPorts(
                                new ContainerPortBuilder()
                                        .withName("remoting")
                                        .withContainerPort(Names.BROKER_PORT)
                                        .withProtocol("TCP")
                                        .build(),
                                new ContainerPortBuilder()
                                        .withName("ha")
                                        .withContainerPort(Names.BROKER_HA_PORT)
                                        .withProtocol("TCP")
                                        .build(),
                                new ContainerPortBuilder()
                                        .withName("http")
                                        .withContainerPort(Names.HTTP_PORT)
                                        .withProtocol("TCP")
                                        .build())
                        .withEnv(BrokerEnvironment.of(cluster, group))
                        .withResources(broker.getResources())
                        .withStartupProbe(Probes.brokerStartup(settings.brokerStartupTimeout()))
                        .withReadinessProbe(Probes.brokerReadiness())
                        .withLivenessProbe(Probes.brokerLiveness())
                        .withSecurityContext(PodSecurity.container())
                        .withVolumeMounts(mounts(broker))
                        .build())
                .withVolumes(volumes(cluster, broker.getStorage(), broker.getAcl(), persistent));
        PodOverlay.scheduling(pod, broker.getPod());
        PodOverlay.pullSecrets(pod, cluster);
        return pod.build();
    }

    private static List<VolumeMount> mounts(BrokerSpec broker) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder()
                .withName(STORE_VOLUME)
                .withMountPath(BrokerEnvironment.STORE_PATH)
                .build());
        mounts.add(new VolumeMountBuilder()
                .withName("config")
                .withMountPath(BrokerConfigMap.MOUNT_PATH)
                .withReadOnly(true)
                .build());
        mounts.add(
                new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        if (broker.getAcl() != null) {
            mounts.add(new VolumeMountBuilder()
                    .withName(ACL_VOLUME)
                    .withMountPath(BrokerEnvironment.ACL_PATH)
                    .withReadOnly(true)
                    .build());
        }
        return mounts;
    }

    private static List<Volume> volumes(RocketCluster cluster, StorageSpec storage, AclSpec acl, boolean persistent) {
        List<Volume> volumes = new ArrayList<>();
        if (!persistent) {
            Quantity limit = storage.getSize() == null ? null : new Quantity(storage.getSize());
            volumes.add(new VolumeBuilder()
                    .withName(STORE_VOLUME)
                    .withNewEmptyDir()
                    .withSizeLimit(limit)
                    .endEmptyDir()
                    .build());
        }
        volumes.add(new VolumeBuilder()
                .withName("config")
                .withNewConfigMap()
                .withName(Names.brokerConfig(cluster))
                .endConfigMap()
                .build());
        volumes.add(new VolumeBuilder()
                .withName("tmp")
                .withNewEmptyDir()
                .endEmptyDir()
                .build());
        if (acl != null) {
            // Readable by the broker's group (fsGroup) only: the file holds secret keys.
            volumes.add(new VolumeBuilder()
                    .withName(ACL_VOLUME)
                    .withNewSecret()
                    .withSecretName(acl.getSecretName())
                    .withDefaultMode(0440)
                    .endSecret()
                    .build());
        }
        return volumes;
    }

    private static PersistentVolumeClaim claimTemplate(RocketCluster cluster, String group, StorageSpec storage) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(STORE_VOLUME)
                .withLabels(Labels.managed(Labels.groupSelector(cluster, group)))
                .endMetadata()
                .withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withStorageClassName(storage.getStorageClass())
                .withNewResources()
                .addToRequests("storage", new Quantity(storage.getSize()))
                .endResources()
                .endSpec()
                .build();
    }
}
