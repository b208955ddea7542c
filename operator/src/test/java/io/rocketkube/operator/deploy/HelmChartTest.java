package io.rocketkube.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Helm chart, rendered and linted by Helm's own library, is the install of deploy/install:
 * the same objects, field for field, when released into the namespace {@code rocketkube}.
 */
class HelmChartTest {

    private static final Path CHART = Path.of("..", "deploy", "helm", "rocketkube-operator");
    private static final Path INSTALL = Path.of("..", "deploy", "install");
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                objects.add(YAML.unmarshal(document, HasMetadata.class));
            }
        }
        return objects;
    }

    private static String render(String watchNamespaces) {
        var template = new Helm(CHART).template().withName("rocketkube").withNamespace("rocketkube");
        if (watchNamespaces != null) {
            template.set("watchNamespaces", watchNamespaces);
        }
        return template.call();
    }

    private static Map<String, HasMetadata> byKey(List<HasMetadata> objects) {
        return objects.stream()
                .collect(Collectors.toMap(
                        o -> o.getKind() + "/" + o.getMetadata().getNamespace() + "/"
                                + o.getMetadata().getName(),
                        Function.identity()));
    }

    /** deploy/install without the Namespace (Helm's --create-namespace) and the CRD (crds/). */
    private static List<HasMetadata> install(Path dir) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith("000-") && !name.startsWith("040-")) {
                    objects.addAll(parse(Files.readString(file)));
                }
            }
        }
        return objects;
    }

    @Test
    void theChartLintsCleanly() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void theRenderedChartIsDeployInstallObjectForObject() throws IOException {
        Map<String, HasMetadata> rendered = byKey(parse(render(null)));
        Map<String, HasMetadata> install = byKey(install(INSTALL));
        assertThat(rendered.keySet()).containsExactlyInAnyOrderElementsOf(install.keySet());
        install.forEach((key, expected) -> assertThat(rendered.get(key)).as(key).isEqualTo(expected));
    }

    @Test
    void theCrdIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(CHART.resolve("crds/rocketclusters.rocketkube.io-v1.yml")))
                .isEqualTo(Files.readString(INSTALL.resolve("040-Crd-rocketcluster.yaml")));
    }

    @Test
    void bindingsNameTheServiceAccountsNamespaceAndTheSelectorSurvivesUpgrades() {
        List<HasMetadata> objects = parse(new Helm(CHART)
                .template()
                .withName("r")
                .withNamespace("elsewhere")
                .call());
        assertThat(objects)
                .filteredOn(ClusterRoleBinding.class::isInstance)
                .singleElement()
                .satisfies(b -> assertThat(((ClusterRoleBinding) b).getSubjects())
                        .allSatisfy(s -> assertThat(s.getNamespace()).isEqualTo("elsewhere")));
        Deployment deployment = objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(deployment.getSpec().getSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "rocketkube-operator"));
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getSeccompProfile()
                        .getType())
                .isEqualTo("RuntimeDefault");
    }

    @Test
    void watchedNamespacesGetTheNamespacedBindingsInsteadOfTheClusterWideOne() throws IOException {
        List<HasMetadata> objects = parse(render("mq, payments"));
        assertThat(objects).noneMatch(ClusterRoleBinding.class::isInstance);
        RoleBinding expected =
                (RoleBinding) install(INSTALL.resolve("namespaced")).get(0);
        assertThat(objects)
                .filteredOn(o ->
                        o instanceof RoleBinding && o.getMetadata().getName().equals("rocketkube-operator"))
                .extracting(o -> o.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("mq", "payments");
        assertThat(objects)
                .filteredOn(o -> o instanceof RoleBinding
                        && o.getMetadata().getNamespace().equals("mq"))
                .singleElement()
                .isEqualTo(expected);
        Deployment deployment = objects.stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("QUARKUS_OPERATOR_SDK_CONTROLLERS_ROCKETCLUSTER_NAMESPACES");
                    assertThat(e.getValue()).isEqualTo("mq, payments");
                });
    }
}
