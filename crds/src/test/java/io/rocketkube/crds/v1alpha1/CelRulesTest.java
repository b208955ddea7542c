package io.rocketkube.crds.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs the CEL rules of the generated CRD against sample values, with the standard CEL library the
 * API server also uses, so that a rule that does not compile or says the wrong thing fails here
 * rather than at {@code kubectl apply}.
 */
class CelRulesTest {

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .addVar("oldSelf", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private static JSONSchemaProps broker() throws Exception {
        try (InputStream in = CelRulesTest.class
                .getClassLoader()
                .getResourceAsStream("META-INF/fabric8/rocketclusters.rocketkube.io-v1.yml")) {
            CustomResourceDefinition crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
            return crd.getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema()
                    .getProperties()
                    .get("spec")
                    .getProperties()
                    .get("broker");
        }
    }

    /** The messages of the rules of {@code schema} that reject {@code self} (given {@code oldSelf}). */
    private static List<String> violations(JSONSchemaProps schema, Object self, Object oldSelf) throws Exception {
        Map<String, Object> vars = new HashMap<>();
        vars.put("self", self);
        if (oldSelf != null) {
            vars.put("oldSelf", oldSelf);
        }
        java.util.ArrayList<String> failed = new java.util.ArrayList<>();
        for (ValidationRule rule : schema.getXKubernetesValidations()) {
            boolean transition = rule.getRule().contains("oldSelf");
            if (transition && oldSelf == null) {
                continue;
            }
            Object ok = RUNTIME.createProgram(COMPILER.compile(rule.getRule()).getAst())
                    .eval(vars);
            if (!Boolean.TRUE.equals(ok)) {
                failed.add(rule.getMessage());
            }
        }
        return failed;
    }

    @Test
    void syncMasterNeedsASlave() throws Exception {
        JSONSchemaProps broker = broker();
        assertThat(violations(broker, Map.of("role", "SYNC_MASTER", "replicasPerGroup", 1L), null))
                .containsExactly("role SYNC_MASTER needs at least one slave: set replicasPerGroup to 2 or more");
        assertThat(violations(broker, Map.of("role", "SYNC_MASTER", "replicasPerGroup", 2L), null))
                .isEmpty();
        assertThat(violations(broker, Map.of("role", "ASYNC_MASTER", "replicasPerGroup", 1L), null))
                .isEmpty();
    }

    @Test
    void configRejectsOwnedAndTypedKeysInBothSpellings() throws Exception {
        JSONSchemaProps config = broker().getProperties().get("config");
        assertThat(violations(config, Map.of("send-thread-pool-nums", "8", "flushDiskType", "x"), null))
                .isEmpty();
        for (String key : List.of(
                "brokerName",
                "broker-name",
                "namesrv-addr",
                "advertisedHost",
                "autoCreateTopic",
                "commit-log-segment-size")) {
            assertThat(violations(config, Map.of(key, "x"), null))
                    .as(key)
                    .containsExactly(BrokerConfigKeys.DENY_MESSAGE);
        }
    }

    @Test
    void aClusterNameMustStartValidServiceAndStatefulSetNames() throws Exception {
        JSONSchemaProps root;
        try (InputStream in = CelRulesTest.class
                .getClassLoader()
                .getResourceAsStream("META-INF/fabric8/rocketclusters.rocketkube.io-v1.yml")) {
            root = Serialization.unmarshal(in, CustomResourceDefinition.class)
                    .getSpec()
                    .getVersions()
                    .get(0)
                    .getSchema()
                    .getOpenAPIV3Schema();
        }
        for (String good : List.of("orders", "a", "orders-2", "a".repeat(42))) {
            assertThat(violations(root, Map.of("metadata", Map.of("name", good)), null))
                    .as(good)
                    .isEmpty();
        }
        for (String bad : List.of("orders.prod", "1orders", "orders-", "Orders", "a".repeat(43))) {
            assertThat(violations(root, Map.of("metadata", Map.of("name", bad)), null))
                    .as(bad)
                    .containsExactly(RocketCluster.NAME_MESSAGE);
        }
    }

    @Test
    void storageNeedsASizeAndOnlyItsSizeMayChange() throws Exception {
        JSONSchemaProps storage = broker().getProperties().get("storage");
        assertThat(violations(storage, Map.of("type", "persistent-claim"), null))
                .containsExactly("storage.size is required when storage.type is persistent-claim");
        assertThat(violations(storage, Map.of("type", "ephemeral"), null)).isEmpty();
        Map<String, Object> old = Map.of("type", "persistent-claim", "size", "10Gi");
        assertThat(violations(storage, old, old)).isEmpty();
        // The operator judges a size change (expansion or refusal), not the API server.
        assertThat(violations(storage, Map.of("type", "persistent-claim", "size", "20Gi"), old))
                .isEmpty();
        assertThat(violations(storage, Map.of("type", "persistent-claim", "size", "10Gi", "storageClass", "fast"), old))
                .containsExactly("storage.storageClass cannot change: a claim's storage class is immutable");
        assertThat(violations(storage, Map.of("type", "ephemeral", "size", "10Gi"), old))
                .containsExactly("storage.type cannot change on an existing cluster");
    }
}
