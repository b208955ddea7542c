package io.rocketkube.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.rocketkube.crds.v1alpha1.ImageSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NameServerObjectsTest {

    private final RocketCluster cluster = Fixtures.cluster("prod", "orders", 2);

    @Test
    void deploymentRunsTheNameServerWithItsPortsEnvAndProbes() {
        Deployment deployment = NameServerDeployment.desired(cluster, OperatorSettings.defaults());

        assertThat(deployment.getMetadata().getName()).isEqualTo("orders-namesrv");
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        Container c =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getImage()).isEqualTo("docker.io/rocketkube/rocketkube-namesrv:0.1.0");
        assertThat(c.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(c.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("remoting:9876", "http:8080");
        assertThat(env(c))
                .containsEntry("ROCKETKUBE_NAMESRV_HOST", "0.0.0.0")
                .containsEntry("ROCKETKUBE_NAMESRV_PORT", "9876")
                .containsEntry("ROCKETKUBE_NAMESRV_DATA_DIR", "/var/lib/rocketkube/namesrv")
                .containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0")
                .containsEntry("QUARKUS_HTTP_PORT", "8080");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(c.getStartupProbe()).isNotNull();
    }

    @Test
    void nameServersAreReplacedOneAtATimeWithNoLossOfCapacity() {
        Deployment deployment = NameServerDeployment.desired(cluster, OperatorSettings.defaults());
        var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(rolling.getMaxUnavailable().getIntVal()).isZero();
        assertThat(rolling.getMaxSurge().getIntVal()).isEqualTo(1);
    }

    @Test
    void aNewNameServerCountsAsAvailableOnlyAfterOneBrokerRegisterInterval() {
        Deployment deployment = NameServerDeployment.desired(cluster, OperatorSettings.defaults());
        assertThat(deployment.getSpec().getMinReadySeconds()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void podsRunAsNonRootWithAReadOnlyRootAndAWritableTmp() {
        PodSpec pod = NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(c.getVolumeMounts())
                .extracting(m -> m.getName() + "=" + m.getMountPath())
                .contains("tmp=/tmp", "data=/var/lib/rocketkube/namesrv");
        assertThat(pod.getVolumes())
                .filteredOn(v -> !v.getName().equals("kv-config"))
                .allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
    }

    @Test
    void kvConfigIsAnOwnedConfigMapMountedReadOnlyAsTheSeedFile() {
        cluster.getSpec()
                .getNameServer()
                .getKvConfig()
                .put(
                        "ORDER_TOPIC_CONFIG",
                        new java.util.LinkedHashMap<>(Map.of("T2", "orders-broker-1:4", "T1", "orders-broker-0:4")));
        ConfigMap kv = NameServerKvConfigMap.desired(cluster);
        assertThat(kv.getMetadata().getName()).isEqualTo("orders-namesrv-kv");
        assertThat(kv.getMetadata().getNamespace()).isEqualTo("prod");
        assertThat(kv.getMetadata().getLabels())
                .containsAllEntriesOf(Labels.nameServerSelector(cluster))
                .containsEntry("app.kubernetes.io/managed-by", "rocketkube-operator");
        assertThat(kv.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-orders"));
        assertThat(kv.getData()).containsOnlyKeys("kv-seed.json");
        assertThat(kv.getData().get("kv-seed.json"))
                .isEqualTo("{\"ORDER_TOPIC_CONFIG\":{\"T1\":\"orders-broker-0:4\",\"T2\":\"orders-broker-1:4\"}}");

        PodSpec pod = NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(env(c)).containsEntry("ROCKETKUBE_NAMESRV_KV_SEED_FILE", "/etc/rocketkube/namesrv-kv/kv-seed.json");
        assertThat(c.getVolumeMounts())
                .filteredOn(m -> m.getName().equals("kv-config"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.getMountPath()).isEqualTo("/etc/rocketkube/namesrv-kv");
                    assertThat(m.getReadOnly()).isTrue();
                });
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getName().equals("kv-config"))
                .singleElement()
                .satisfies(v -> assertThat(v.getConfigMap().getName()).isEqualTo("orders-namesrv-kv"));
        assertThat(DesiredCluster.of(cluster, OperatorSettings.defaults())
                        .nameServerKv()
                        .getData())
                .isEqualTo(kv.getData());
    }

    @Test
    void anEmptyKvConfigIsAnEmptySeed() {
        assertThat(NameServerKvConfigMap.desired(cluster).getData()).containsEntry("kv-seed.json", "{}");
    }

    @Test
    void changingKvConfigRollsTheNameServersAndOnlyAChangeDoes() {
        String before = hash();
        assertThat(hash()).isEqualTo(before);
        cluster.getSpec()
                .getNameServer()
                .getKvConfig()
                .put("ORDER_TOPIC_CONFIG", new java.util.LinkedHashMap<>(Map.of("T1", "orders-broker-0:4")));
        String declared = hash();
        assertThat(declared).isNotEqualTo(before);
        cluster.getSpec()
                .getNameServer()
                .getKvConfig()
                .get("ORDER_TOPIC_CONFIG")
                .put("T1", "orders-broker-0:8");
        assertThat(hash()).isNotEqualTo(declared).isNotEqualTo(before);
        assertThat(DesiredCluster.of(cluster, OperatorSettings.defaults()).nameServerHash())
                .isEqualTo(hash());
    }

    private String hash() {
        return NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get(ConfigHash.ANNOTATION);
    }

    @Test
    void selectorLabelsAndOwnerReferenceTieTheDeploymentToItsCluster() {
        Deployment deployment = NameServerDeployment.desired(cluster, OperatorSettings.defaults());
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(selector)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "app.kubernetes.io/name",
                        "rocketkube",
                        "app.kubernetes.io/instance",
                        "orders",
                        "app.kubernetes.io/component",
                        "namesrv"));
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(selector)
                .containsEntry("app.kubernetes.io/managed-by", "rocketkube-operator");
        var owner = deployment.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("RocketCluster");
        assertThat(owner.getApiVersion()).isEqualTo("rocketkube.io/v1alpha1");
        assertThat(owner.getName()).isEqualTo("orders");
        assertThat(owner.getUid()).isEqualTo("uid-orders");
        assertThat(owner.getController()).isTrue();
    }

    @Test
    void nameServersPreferDifferentNodesAndKeepTheUsersScheduling() {
        cluster.getSpec()
                .getNameServer()
                .getPod()
                .getTolerations()
                .add(new TolerationBuilder()
                        .withKey("dedicated")
                        .withOperator("Exists")
                        .build());
        cluster.getSpec().getNameServer().getPod().getNodeSelector().put("pool", "mq");
        cluster.getSpec().getNameServer().getPod().getLabels().put("team", "payments");
        cluster.getSpec().getNameServer().getPod().getLabels().put("app.kubernetes.io/name", "evil");
        PodSpec pod = NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        var preferred = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        assertThat(preferred).hasSize(1);
        assertThat(preferred.get(0).getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("dedicated");
        assertThat(pod.getNodeSelector()).containsEntry("pool", "mq");
        assertThat(NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels())
                .containsEntry("team", "payments")
                .containsEntry("app.kubernetes.io/name", "rocketkube");
    }

    @Test
    void imageRepositoryPullPolicyAndSecretsComeFromTheSpec() {
        cluster.getSpec().getImage().setRepository("registry.example/mq");
        cluster.getSpec().getImage().setPullPolicy(ImageSpec.PullPolicy.Always);
        cluster.getSpec()
                .getImage()
                .getPullSecrets()
                .add(new io.fabric8.kubernetes.api.model.LocalObjectReference("regcred"));
        PodSpec pod = NameServerDeployment.desired(cluster, OperatorSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example/mq/rocketkube-namesrv:0.1.0");
        assertThat(pod.getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("regcred");
    }

    @Test
    void brokersUseAHeadlessServiceAndClientsAClusterIp() {
        Service headless = NameServerServices.headless(cluster);
        Service client = NameServerServices.client(cluster);
        assertThat(headless.getMetadata().getName()).isEqualTo("orders-namesrv-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        // Brokers must resolve the NameServers while they start, or the JVM caches the failed lookup.
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts())
                .extracting(ServicePort::getPort)
                .containsExactly(9876);
        assertThat(client.getMetadata().getName()).isEqualTo("orders-namesrv");
        assertThat(client.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(client.getSpec().getPorts()).extracting(ServicePort::getPort).containsExactly(9876, 8080);
        assertThat(client.getSpec().getSelector())
                .isEqualTo(headless.getSpec().getSelector())
                .isEqualTo(Labels.nameServerSelector(cluster));
        assertThat(Names.nameServerAddressForBrokers(cluster)).isEqualTo("orders-namesrv-headless.prod.svc:9876");
        assertThat(Names.nameServerAddressForClients(cluster)).isEqualTo("orders-namesrv.prod.svc:9876");
    }

    @Test
    void disruptionBudgetLetsOneNameServerGoAtATime() {
        PodDisruptionBudget pdb = DisruptionBudgets.nameServers(cluster);
        assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(Labels.nameServerSelector(cluster));
    }

    static Map<String, String> env(Container c) {
        return c.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }
}
