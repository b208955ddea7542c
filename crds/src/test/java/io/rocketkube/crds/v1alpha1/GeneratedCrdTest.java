package io.rocketkube.crds.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The CRD that fabric8's generator wrote at build time, and its committed copy in deploy/. */
class GeneratedCrdTest {

    private static final String GENERATED = "META-INF/fabric8/rocketclusters.rocketkube.io-v1.yml";
    private static final Path COMMITTED = Path.of("..", "deploy", "install", "040-Crd-rocketcluster.yaml");
    /** Kubernetes' own types: their fields are documented by Kubernetes, not here. */
    private static final Set<String> FOREIGN =
            Set.of("resources", "affinity", "tolerations", "topologySpreadConstraints", "pullSecrets", "conditions");

    private static String generated() throws IOException {
        try (InputStream in = GeneratedCrdTest.class.getClassLoader().getResourceAsStream(GENERATED)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static CustomResourceDefinitionVersion version() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(generated(), CustomResourceDefinition.class);
        assertThat(crd.getSpec().getVersions()).hasSize(1);
        return crd.getSpec().getVersions().get(0);
    }

    @Test
    void theCommittedCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(COMMITTED))
                .as("deploy/install/040-Crd-rocketcluster.yaml is stale; run: cp crds/target/classes/" + GENERATED
                        + " deploy/install/040-Crd-rocketcluster.yaml")
                .isEqualTo(generated());
    }

    @Test
    void namesScopeAndVersion() throws IOException {
        CustomResourceDefinition crd = Serialization.unmarshal(generated(), CustomResourceDefinition.class);
        assertThat(crd.getSpec().getGroup()).isEqualTo("rocketkube.io");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(crd.getSpec().getNames().getKind()).isEqualTo("RocketCluster");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("rkc");
        assertThat(version().getName()).isEqualTo("v1alpha1");
        assertThat(version().getServed()).isTrue();
        assertThat(version().getStorage()).isTrue();
    }

    @Test
    void statusAndScaleSubresourcesMapKubectlScaleToBrokerGroups() throws IOException {
        var sub = version().getSubresources();
        assertThat(sub.getStatus()).isNotNull();
        assertThat(sub.getScale().getSpecReplicasPath()).isEqualTo(".spec.broker.groups");
        assertThat(sub.getScale().getStatusReplicasPath()).isEqualTo(".status.groups");
        // No selector: one would pick every broker pod while replicas count groups (an HPA reading
        // pod metrics through it would scale groups by a pod count).
        assertThat(sub.getScale().getLabelSelectorPath()).isNull();
    }

    @Test
    void printerColumns() throws IOException {
        assertThat(version().getAdditionalPrinterColumns())
                .extracting(c -> c.getName() + "=" + c.getJsonPath())
                .containsExactlyInAnyOrder(
                        "Ready=.status.conditions[?(@.type==\"Ready\")].status",
                        "Reason=.status.conditions[?(@.type==\"Ready\")].reason",
                        "Version=.spec.version",
                        "NameServers=.status.nameServers",
                        "Groups=.status.groupsReady",
                        "Age=.metadata.creationTimestamp");
    }

    @Test
    void celRulesSitWhereTheyApply() throws IOException {
        JSONSchemaProps spec =
                version().getSchema().getOpenAPIV3Schema().getProperties().get("spec");
        JSONSchemaProps broker = spec.getProperties().get("broker");
        assertThat(rules(broker)).containsExactly("self.role != 'SYNC_MASTER' || self.replicasPerGroup >= 2");
        assertThat(rules(broker.getProperties().get("storage")))
                .hasSize(3)
                .contains("self.type != 'persistent-claim' || has(self.size)", "self.type == oldSelf.type");
        assertThat(rules(broker.getProperties().get("config"))).containsExactly(BrokerConfigKeys.CEL_DENY_LIST);
        // Every rule's cost must not grow with the size of what it checks (see BrokerConfigKeys).
        assertThat(rules(broker.getProperties().get("config"))).noneMatch(r -> r.startsWith("self.all("));
        assertThat(rules(version().getSchema().getOpenAPIV3Schema())).containsExactly(RocketCluster.CEL_NAME);
        assertThat(broker.getProperties().get("storage").getXKubernetesValidations())
                .extracting(ValidationRule::getMessage)
                .allSatisfy(m -> assertThat(m).isNotBlank());
        assertThat(spec.getRequired()).containsExactly("version");
        assertThat(broker.getProperties().get("groups").getMinimum().intValue()).isEqualTo(1);
        assertThat(broker.getProperties().get("role").getEnum())
                .extracting(e -> e.asText())
                .containsExactly("ASYNC_MASTER", "SYNC_MASTER");
        assertThat(broker.getProperties()
                        .get("storage")
                        .getProperties()
                        .get("type")
                        .getEnum())
                .extracting(e -> e.asText())
                .containsExactly("ephemeral", "persistent-claim");
    }

    @Test
    void nameServerKvConfigIsAMapOfNamespacesToMapsOfStrings() throws IOException {
        JSONSchemaProps kv = version()
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .get("nameServer")
                .getProperties()
                .get("kvConfig");
        assertThat(kv).as("spec.nameServer.kvConfig").isNotNull();
        assertThat(kv.getType()).isEqualTo("object");
        JSONSchemaProps namespace = kv.getAdditionalProperties().getSchema();
        assertThat(namespace.getType()).isEqualTo("object");
        assertThat(namespace.getAdditionalProperties().getSchema().getType()).isEqualTo("string");
        assertThat(kv.getDescription()).contains("ORDER_TOPIC_CONFIG").contains("rolls the NameServers");
    }

    @Test
    void theDenyListRuleNamesEveryDeniedKeyInBothSpellings() {
        for (String key : concat(BrokerConfigKeys.OWNED, BrokerConfigKeys.TYPED)) {
            assertThat(BrokerConfigKeys.CEL_DENY_LIST).contains("'" + key + "'");
            String camel = camel(key);
            assertThat(BrokerConfigKeys.CEL_DENY_LIST).contains("'" + camel + "'");
            assertThat(BrokerConfigKeys.isDenied(camel)).as(camel).isTrue();
        }
        assertThat(BrokerConfigKeys.isDenied("sendThreadPoolNums")).isFalse();
        assertThat(BrokerConfigKeys.toKebab("sendThreadPoolNums")).isEqualTo("send-thread-pool-nums");
    }

    @Test
    void everyFieldOfOursIsDocumented() throws IOException {
        JSONSchemaProps root = version().getSchema().getOpenAPIV3Schema();
        List<String> undocumented = new ArrayList<>();
        walk("spec", root.getProperties().get("spec"), undocumented);
        walk("status", root.getProperties().get("status"), undocumented);
        assertThat(undocumented).isEmpty();
    }

    private static void walk(String path, JSONSchemaProps props, List<String> undocumented) {
        if (props.getProperties() != null) {
            for (Map.Entry<String, JSONSchemaProps> e : props.getProperties().entrySet()) {
                if (e.getValue().getDescription() == null
                        || e.getValue().getDescription().isBlank()) {
                    undocumented.add(path + "." + e.getKey());
                }
                if (!FOREIGN.contains(e.getKey())) {
                    walk(path + "." + e.getKey(), e.getValue(), undocumented);
                }
            }
        }
        if (props.getItems() != null && props.getItems().getSchema() != null) {
            walk(path + "[]", props.getItems().getSchema(), undocumented);
        }
    }

    private static List<String> rules(JSONSchemaProps props) {
        return props.getXKubernetesValidations() == null
                ? List.of()
                : props.getXKubernetesValidations().stream()
                        .map(ValidationRule::getRule)
                        .toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String camel(String kebab) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }
}
