package io.rocketkube.operator.model;

import static io.rocketkube.operator.model.NameServerObjectsTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.BrokerSpec;
import io.rocketkube.crds.v1alpha1.PodOverrides;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.crds.v1alpha1.StorageSpec;
import io.rocketkube.operator.config.OperatorSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerObjectsTest {

    private final RocketCluster cluster = Fixtures.cluster("prod", "orders", 2);

    private StatefulSet group(int ordinal) {
        return BrokerStatefulSet.desired(
                cluster, ordinal, BrokerConfigMap.desired(cluster), OperatorSettings.defaults());
    }

    @Test
    void oneStatefulSetPerGroupWithMasterAndSlavesAndOnDeleteUpdates() {
        cluster.getSpec().getBroker().setReplicasPerGroup(3);
        StatefulSet sts = group(1);
        assertThat(sts.getMetadata().getName()).isEqualTo("orders-broker-1");
        assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
        assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-broker-1");
        assertThat(sts.getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
        assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(sts.getSpec().getSelector().getMatchLabels())
                .containsEntry("rocketkube.io/broker-group", "orders-broker-1")
                .containsEntry("app.kubernetes.io/instance", "orders")
                .containsEntry("app.kubernetes.io/component", "broker");
        assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
        assertThat(sts.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo("uid-orders"));
    }

    @Test
    void brokerEnvironmentFollowsTheBrokersConfigurationMapping() {
        cluster.getSpec().getBroker().setRole(BrokerSpec.BrokerRole.SYNC_MASTER);
        cluster.getSpec().getBroker().setFlushMode(BrokerSpec.FlushMode.SYNC_FLUSH);
        cluster.getSpec().getBroker().getSettings().setAutoCreateTopic(false);
        cluster.getSpec().getBroker().getSettings().setDefaultTopicQueueNums(8);
        cluster.getSpec().getBroker().getSettings().setCommitLogSegmentSize(1073741824L);
        Container c = group(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(c))
                .containsEntry("ROCKETKUBE_BROKER_CLUSTER_NAME", "orders")
                .containsEntry("ROCKETKUBE_BROKER_BROKER_NAME", "orders-broker-0")
                .containsEntry("ROCKETKUBE_BROKER_ROLE", "SYNC_MASTER")
                .containsEntry("ROCKETKUBE_BROKER_FLUSH_MODE", "SYNC_FLUSH")
                .containsEntry("ROCKETKUBE_BROKER_STORE_PATH", "/var/lib/rocketkube/store")
                .containsEntry("ROCKETKUBE_BROKER_PORT", "10911")
                .containsEntry("ROCKETKUBE_BROKER_HA_PORT", "10912")
                .containsEntry("ROCKETKUBE_BROKER_HOST", "0.0.0.0")
                .containsEntry("ROCKETKUBE_BROKER_NAMESRV_ADDR", "orders-namesrv-headless.prod.svc:9876")
                .containsEntry("ROCKETKUBE_BROKER_AUTO_CREATE_TOPIC", "false")
                .containsEntry("ROCKETKUBE_BROKER_DEFAULT_TOPIC_QUEUE_NUMS", "8")
                .containsEntry("ROCKETKUBE_BROKER_COMMIT_LOG_SEGMENT_SIZE", "1073741824")
                .doesNotContainKey("ROCKETKUBE_BROKER_BROKER_ID")
                .doesNotContainKey("ROCKETKUBE_BROKER_MAX_MESSAGE_SIZE");
        assertThat(c.getEnv())
                .filteredOn(e -> e.getValueFrom() != null)
                .extracting(
                        e -> e.getName() + "<-" + e.getValueFrom().getFieldRef().getFieldPath())
                .containsExactly(
                        "ROCKETKUBE_BROKER_POD_NAME<-metadata.name", "ROCKETKUBE_BROKER_ADVERTISED_HOST<-status.podIP");
    }

    @Test
    void anAclSecretIsMountedReadOnlyAsADirectoryAndTurnsTheBrokersAclOn() {
        PodSpec without = group(0).getSpec().getTemplate().getSpec();
        assertThat(env(without.getContainers().get(0)))
                .doesNotContainKeys("ROCKETKUBE_BROKER_ACL_ENABLE", "ROCKETKUBE_BROKER_ACL_FILE");
        assertThat(without.getVolumes()).noneMatch(v -> v.getSecret() != null);
        String hashWithout =
                group(0).getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);

        AclSpec acl = new AclSpec();
        acl.setSecretName("orders-acl");
        acl.setKey("acl.yml");
        cluster.getSpec().getBroker().setAcl(acl);
        StatefulSet sts = group(0);
        PodSpec pod = sts.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(env(c))
                .containsEntry("ROCKETKUBE_BROKER_ACL_ENABLE", "true")
                .containsEntry("ROCKETKUBE_BROKER_ACL_FILE", "/etc/rocketkube/acl/acl.yml");
        assertThat(pod.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getSecret().getSecretName()).isEqualTo("orders-acl");
                    assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
                    // The whole Secret: a key picked by items or subPath would not follow the Secret's updates.
                    assertThat(v.getSecret().getItems()).isNullOrEmpty();
                    assertThat(c.getVolumeMounts())
                            .filteredOn(m -> m.getName().equals(v.getName()))
                            .singleElement()
                            .satisfies(m -> {
                                assertThat(m.getMountPath()).isEqualTo("/etc/rocketkube/acl");
                                assertThat(m.getReadOnly()).isTrue();
                                assertThat(m.getSubPath()).isNull();
                            });
                });
        // Naming a Secret restarts the brokers in order; its content, which the brokers re-read, does not.
        assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION))
                .isNotEqualTo(hashWithout);
    }

    @Test
    void theKubeletWaitsForTheBrokersShutdownGraceAndItsFlush() {
        assertThat(group(0).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(60L);
        cluster.getSpec().getBroker().getConfig().put("shutdown-grace", "90s");
        assertThat(group(0).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(140L);
        cluster.getSpec().getBroker().getConfig().put("shutdown-grace", "2500ms");
        assertThat(group(0).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isEqualTo(60L);
    }

    @Test
    void podLabelsAndAnnotationsReachRunningBrokersThroughTheHashOnlyWhenSet() {
        StatefulSet plain = group(0);
        // Unchanged from the versions whose hash covered only the pod spec and the ConfigMap: no restart
        // of a cluster without pod labels or annotations when the operator is upgraded.
        assertThat(hash(plain))
                .isEqualTo(ConfigHash.of(
                        plain.getSpec().getTemplate().getSpec(),
                        BrokerConfigMap.desired(cluster).getData()));

        PodOverrides pod = new PodOverrides();
        pod.setLabels(new HashMap<>(Map.of("team", "payments")));
        cluster.getSpec().getBroker().setPod(pod);
        String labelled = hash(group(0));
        assertThat(labelled).isNotEqualTo(hash(plain));

        pod.setAnnotations(new HashMap<>(Map.of("prometheus.io/scrape", "true")));
        assertThat(hash(group(0))).isNotEqualTo(labelled).isNotEqualTo(hash(plain));
        assertThat(group(0).getSpec().getTemplate().getMetadata().getLabels()).containsEntry("team", "payments");
    }

    @Test
    void livenessAndStartupProbesDoNotDependOnTheNameServers() {
        Container c = group(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("remoting:10911", "ha:10912", "http:8080");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        // /q/health would aggregate readiness, which needs a NameServer: an outage must not restart brokers.
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
        assertThat(c.getStartupProbe().getPeriodSeconds() * c.getStartupProbe().getFailureThreshold())
                .isEqualTo(900);
        StatefulSet quick = BrokerStatefulSet.desired(
                cluster,
                0,
                BrokerConfigMap.desired(cluster),
                OperatorSettings.load(Map.of("broker-startup-timeout", "2m")));
        var startup =
                quick.getSpec().getTemplate().getSpec().getContainers().get(0).getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isEqualTo(120);
    }

    @Test
    void persistentStorageUsesClaimTemplatesRetainedUnlessDeleteClaim() {
        cluster.getSpec().getBroker().getStorage().setSize("50Gi");
        cluster.getSpec().getBroker().getStorage().setStorageClass("fast-ssd");
        StatefulSet sts = group(0);
        PersistentVolumeClaim claim = sts.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getMetadata().getName()).isEqualTo("store");
        assertThat(claim.getMetadata().getLabels())
                .containsEntry("rocketkube.io/broker-group", "orders-broker-0")
                .containsEntry("app.kubernetes.io/managed-by", "rocketkube-operator");
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getResources().getRequests().get("storage")).isEqualTo(new Quantity("50Gi"));
        assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast-ssd");
        assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Retain");
        assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled())
                .isEqualTo("Retain");
        Container c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getVolumeMounts())
                .extracting(m -> m.getName() + "=" + m.getMountPath())
                .containsExactly("store=/var/lib/rocketkube/store", "config=/deployments/config", "tmp=/tmp");
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName())
                .containsExactly("config", "tmp");

        cluster.getSpec().getBroker().getStorage().setDeleteClaim(true);
        assertThat(group(0).getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted())
                .isEqualTo("Delete");
    }

    @Test
    void ephemeralStorageIsASizeLimitedEmptyDir() {
        cluster.getSpec().getBroker().getStorage().setType(StorageSpec.StorageType.EPHEMERAL);
        cluster.getSpec().getBroker().getStorage().setSize("2Gi");
        StatefulSet sts = group(0);
        assertThat(sts.getSpec().getVolumeClaimTemplates()).isEmpty();
        assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals("store"))
                .singleElement()
                .satisfies(v -> assertThat(v.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("2Gi")));
    }

    @Test
    void masterAndSlavesPreferDifferentNodesOrRequireIt() {
        PodSpec preferred = group(0).getSpec().getTemplate().getSpec();
        var term = preferred
                .getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()
                .get(0)
                .getPodAffinityTerm();
        assertThat(term.getLabelSelector().getMatchLabels())
                .containsEntry("rocketkube.io/broker-group", "orders-broker-0");
        assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(preferred.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .isEmpty();

        cluster.getSpec().getBroker().setAntiAffinity(BrokerSpec.AntiAffinity.required);
        cluster.getSpec()
                .getBroker()
                .getPod()
                .setAffinity(new AffinityBuilder()
                        .withNewNodeAffinity()
                        .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                        .addNewNodeSelectorTerm()
                        .addNewMatchExpression()
                        .withKey("zone")
                        .withOperator("In")
                        .withValues("a")
                        .endMatchExpression()
                        .endNodeSelectorTerm()
                        .endRequiredDuringSchedulingIgnoredDuringExecution()
                        .endNodeAffinity()
                        .build());
        PodSpec required = group(0).getSpec().getTemplate().getSpec();
        assertThat(required.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
                .singleElement()
                .satisfies(t -> assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
        assertThat(required.getAffinity().getNodeAffinity()).isNotNull();
        // The user's object is not modified by the merge.
        assertThat(cluster.getSpec().getBroker().getPod().getAffinity().getPodAntiAffinity())
                .isNull();
    }

    @Test
    void securityContextIsNonRootReadOnlyWithFsGroupForTheVolume() {
        PodSpec pod = group(0).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(185L);
        assertThat(pod.getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem())
                .isTrue();
        assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(60L);
    }

    @Test
    void configHashChangesWithBrokerSettingsButNotWithNameServerReplicas() {
        String before = hash(group(0));
        cluster.getSpec().getNameServer().setReplicas(5);
        assertThat(hash(group(0)))
                .as("scaling NameServers never restarts a broker")
                .isEqualTo(before);
        cluster.getSpec().getBroker().getConfig().put("sendThreadPoolNums", "8");
        String afterConfig = hash(group(0));
        assertThat(afterConfig).isNotEqualTo(before);
        cluster.getSpec().setVersion("0.2.0");
        assertThat(hash(group(0))).isNotEqualTo(afterConfig);
    }

    @Test
    void configMapHoldsTheFreeFormSettingsAsSortedKebabCaseProperties() {
        cluster.getSpec().getBroker().getConfig().put("sendThreadPoolNums", "8");
        cluster.getSpec().getBroker().getConfig().put("access-message-in-memory-max-ratio", "40");
        String file = BrokerConfigMap.desired(cluster).getData().get("application.properties");
        assertThat(file.lines().filter(l -> !l.startsWith("#")))
                .containsExactly(
                        "rocketkube.broker.access-message-in-memory-max-ratio=40",
                        "rocketkube.broker.send-thread-pool-nums=8");
        assertThat(BrokerConfigMap.desired(cluster).getMetadata().getName()).isEqualTo("orders-broker-config");
    }

    @Test
    void groupServiceIsHeadlessAndPublishesNotReadyPods() {
        Service svc = BrokerGroupService.desired(cluster, "orders-broker-0");
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(svc.getSpec().getPorts())
                .extracting(p -> p.getName() + ":" + p.getPort())
                .containsExactly("remoting:10911", "ha:10912", "http:8080");
        assertThat(svc.getSpec().getSelector()).isEqualTo(Labels.groupSelector(cluster, "orders-broker-0"));
        assertThat(DisruptionBudgets.group(cluster, "orders-broker-0")
                        .getSpec()
                        .getMaxUnavailable()
                        .getIntVal())
                .isEqualTo(1);
    }

    @Test
    void desiredClusterHasEveryObjectOnce() {
        DesiredCluster desired = DesiredCluster.of(cluster, OperatorSettings.defaults());
        assertThat(desired.groups()).hasSize(2);
        assertThat(desired.groups().get(1).name()).isEqualTo("orders-broker-1");
        assertThat(desired.groups().values()).allSatisfy(g -> {
            assertThat(g.configHash()).hasSize(16);
            assertThat(g.budget().getMetadata().getName()).isEqualTo(g.name());
            assertThat(g.service().getMetadata().getName()).isEqualTo(g.name());
        });
        assertThat(desired.nameServerHash()).hasSize(16);
    }

    private static String hash(StatefulSet sts) {
        return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(ConfigHash.ANNOTATION);
    }
}
