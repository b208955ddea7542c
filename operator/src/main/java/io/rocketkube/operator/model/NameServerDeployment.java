package io.rocketkube.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.rocketkube.crds.v1alpha1.NameServerSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.List;
import java.util.Map;

/**
 * The NameServer Deployment. NameServers keep their routes in memory (brokers re-register every
 * 30 s), so they need no stable identity; the Deployment replaces them one at a time
 * (maxUnavailable 0, maxSurge 1) and only after the new one is ready.
 */
public final class NameServerDeployment {

    static final String CONTAINER = "namesrv";
    static final String DATA_DIR = "/var/lib/rocketkube/namesrv";
    /** One broker register interval (the broker's 30 s default) plus a margin for a slow send. */
    static final int MIN_READY_SECONDS = 35;

    private NameServerDeployment() {}

    public static Deployment desired(RocketCluster cluster, OperatorSettings settings) {
        NameServerSpec spec = cluster.getSpec().getNameServer();
        Map<String, String> selector = Labels.nameServerSelector(cluster);
        PodTemplateSpec template = template(cluster, settings, spec, selector, NameServerKvConfigMap.desired(cluster));
        return new DeploymentBuilder()
                .withMetadata(Metadata.owned(cluster, Names.nameServer(cluster), selector))
                .withNewSpec()
                .withReplicas(spec.getReplicas())
                // A new NameServer knows no broker until each has re-registered (every 30 s); counting
                // it available earlier would let the roll remove the old one while routes are empty.
                .withMinReadySeconds(MIN_READY_SECONDS)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxUnavailable(new IntOrString(0))
                .withMaxSurge(new IntOrString(1))
                .endRollingUpdate()
                .endStrategy()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    private static PodTemplateSpec template(
            RocketCluster cluster,
            OperatorSettings settings,
            NameServerSpec spec,
            Map<String, String> selector,
            ConfigMap kvConfig) {
        PodSpecBuilder pod = new PodSpecBuilder()
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(PodSecurity.pod())
                .withTerminationGracePeriodSeconds(30L)
                .withAffinity(Affinities.spread(spec.getPod().getAffinity(), selector, false))
                .withContainers(new ContainerBuilder()
                        .withName(CONTAINER)
                        .withImage(PodOverlay.image(cluster, settings, "namesrv"))
                        .withImagePullPolicy(PodOverlay.pullPolicy(cluster))
                        .withPorts(
                                new ContainerPortBuilder()
                                        .withName("remoting")
                                        .withContainerPort(Names.NAMESRV_PORT)
                                        .withProtocol("TCP")
                                        .build(),
                                new ContainerPortBuilder()
                                        .withName("http")
                                        .withContainerPort(Names.HTTP_PORT)
                                        .withProtocol("TCP")
                                        .build())
                        .withEnv(env())
                        .withResources(spec.getResources())
                        .withLivenessProbe(Probes.nameServerLiveness())
                        .withReadinessProbe(Probes.nameServerReadiness())
                        .withStartupProbe(Probes.nameServerStartup())
                        .withSecurityContext(PodSecurity.container())
                        .withVolumeMounts(
                                new VolumeMountBuilder()
                                        .withName("tmp")
                                        .withMountPath("/tmp")
                                        .build(),
                                new VolumeMountBuilder()
                                        .withName("data")
                                        .withMountPath(DATA_DIR)
                                        .build(),
                                new VolumeMountBuilder()
                                        .withName("kv-config")
                                        .withMountPath(NameServerKvConfigMap.MOUNT_PATH)
                                        .withReadOnly(true)
                                        .build())
                        .build())
                .withVolumes(
                        new VolumeBuilder()
                                .withName("tmp")
                                .withNewEmptyDir()
                                .endEmptyDir()
                                .build(),
                        new VolumeBuilder()
                                .withName("data")
                                .withNewEmptyDir()
                                .endEmptyDir()
                                .build(),
                        new VolumeBuilder()
                                .withName("kv-config")
                                .withNewConfigMap()
                                .withName(kvConfig.getMetadata().getName())
                                .endConfigMap()
                                .build());
        PodOverlay.scheduling(pod, spec.getPod());
        PodOverlay.pullSecrets(pod, cluster);
        PodSpec podSpec = pod.build();
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(PodOverlay.labels(spec.getPod(), Labels.managed(selector)))
                .withAnnotations(PodOverlay.annotations(spec.getPod()))
                // The seed is read at start only: its content must change the hash to roll the pods.
                .addToAnnotations(ConfigHash.ANNOTATION, ConfigHash.of(podSpec, kvConfig.getData()))
                .endMetadata()
                .withSpec(podSpec)
                .build();
    }

    static List<EnvVar> env() {
        return List.of(
                env("ROCKETKUBE_NAMESRV_HOST", "0.0.0.0"),
                env("ROCKETKUBE_NAMESRV_PORT", String.valueOf(Names.NAMESRV_PORT)),
                env("ROCKETKUBE_NAMESRV_DATA_DIR", DATA_DIR),
                env("ROCKETKUBE_NAMESRV_KV_SEED_FILE", NameServerKvConfigMap.seedFile()),
                env("QUARKUS_HTTP_HOST", "0.0.0.0"),
                env("QUARKUS_HTTP_PORT", String.valueOf(Names.HTTP_PORT)));
    }

    static EnvVar env(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }
}
