package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.model.DesiredCluster;
import org.junit.jupiter.api.Test;

/** What counts as a hand edit, and what the API server's own additions do not. */
class DriftTest {

    private static final DesiredCluster DESIRED =
            DesiredCluster.of(OperatorHarness.cluster("ns", "alpha", 1), OperatorSettings.defaults());

    private static <T> T copy(T object, Class<T> type) {
        return Serialization.unmarshal(Serialization.asJson(object), type);
    }

    @Test
    void whatTheApiServerAndControllersAddIsNoDrift() {
        StatefulSet desired = DESIRED.groups().get(0).statefulSet();
        StatefulSet live = new StatefulSetBuilder(copy(desired, StatefulSet.class))
                .editMetadata()
                .withResourceVersion("42")
                .withUid("u-1")
                .withGeneration(3L)
                .addToAnnotations("controller-revision", "x")
                .endMetadata()
                .editSpec()
                .withRevisionHistoryLimit(10)
                .editTemplate()
                .editSpec()
                .withDnsPolicy("ClusterFirst")
                .withSchedulerName("default")
                .editFirstContainer()
                .withTerminationMessagePath("/dev/termination-log")
                .withImagePullPolicy("IfNotPresent")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .withNewStatus()
                .withReplicas(2)
                .withReadyReplicas(1)
                .endStatus()
                .build();
        assertThat(Drift.find(desired, live)).isNull();

        Service service = DESIRED.nameServerClient();
        Service allocated = new ServiceBuilder(copy(service, Service.class))
                .editSpec()
                .withClusterIP("10.0.0.7")
                .withSessionAffinity("None")
                .withIpFamilies("IPv4")
                .endSpec()
                .build();
        allocated.getSpec().getPorts().forEach(p -> p.setProtocol("TCP"));
        assertThat(Drift.find(service, allocated)).isNull();
    }

    @Test
    void quantitiesCompareByAmountAndEmptyListsAsAbsent() {
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("c")
                .addToLabels("a", "b")
                .endMetadata()
                .build();
        ConfigMap live = copy(desired, ConfigMap.class);
        live.getMetadata().setOwnerReferences(null);
        assertThat(Drift.find(desired, live)).isNull();

        StatefulSet sts = DESIRED.groups().get(0).statefulSet();
        StatefulSet canonical = copy(sts, StatefulSet.class);
        canonical
                .getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .put("storage", new Quantity("1024Mi"));
        assertThat(Drift.find(sts, canonical)).isNull();
    }

    @Test
    void handEditsOfOwnedFieldsAreDrift() {
        StatefulSet sts = DESIRED.groups().get(0).statefulSet();
        StatefulSet scaled = copy(sts, StatefulSet.class);
        scaled.getSpec().setReplicas(5);
        assertThat(Drift.find(sts, scaled)).isEqualTo("spec.replicas");

        StatefulSet envAdded = copy(sts, StatefulSet.class);
        envAdded.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .add(new io.fabric8.kubernetes.api.model.EnvVar("X", "1", null));
        assertThat(Drift.find(sts, envAdded)).startsWith("spec.template.spec.containers[0].env");

        ConfigMap config = DESIRED.brokerConfig();
        ConfigMap keyAdded = copy(config, ConfigMap.class);
        keyAdded.getData().put("extra.properties", "x=1");
        assertThat(Drift.find(config, keyAdded)).isEqualTo("data");

        Service service = DESIRED.nameServerHeadless();
        Service nodePort = copy(service, Service.class);
        nodePort.getSpec().setType("NodePort");
        assertThat(Drift.find(service, nodePort)).isEqualTo("spec.type");
        Service portChanged = copy(service, Service.class);
        portChanged
                .getSpec()
                .setPorts(java.util.List.of(
                        new ServicePortBuilder().withPort(1).withName("x").build()));
        assertThat(Drift.find(service, portChanged)).startsWith("spec.ports");

        var budget = DESIRED.nameServerBudget();
        var loosened = copy(budget, io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);
        loosened.getSpec().setMaxUnavailable(new IntOrString(3));
        assertThat(Drift.find(budget, loosened)).isEqualTo("spec.maxUnavailable");

        var relabelled = copy(sts, StatefulSet.class);
        relabelled.getMetadata().getLabels().clear();
        assertThat(Drift.find(sts, relabelled)).startsWith("metadata.labels");
    }
}
