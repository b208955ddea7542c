package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.AdminCredentials;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.model.BrokerConfigMap;
import io.rocketkube.operator.model.BrokerStatefulSet;
import io.rocketkube.operator.model.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which keys the operator signs each broker pod's requests with: those of the ACL Secret the pod mounts, read
 * through the API (fabric8's mock), so that pods of a roll that adds, renames or removes the ACL are each signed as
 * their own broker checks.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class AdminSigningTest {
    private static final String MASTER = "10.1.0.5:10911";
    private static final String SLAVE = "10.1.0.6:10911";
    private static final String ALPHA_FILE = """
            accounts:
              - accessKey: rkUser0001
                secretKey: userSecret01
              - accessKey: rkZeta0001
                secretKey: zetaSecret01
                admin: true
              - accessKey: rkAlpha001
                secretKey: alphaSecret1
                admin: true
            """;
    private static final AdminCredentials ALPHA = new AdminCredentials("rkAlpha001", "alphaSecret1");

    KubernetesClient client;

    private final RocketCluster cluster = Fixtures.cluster("prod", "orders", 1);
    private final BrokerCredentials credentials = new BrokerCredentials();
    private final AdminSigning signing =
            new AdminSigning(credentials, new EventRecorder(new MutableClock(Instant.EPOCH)));

    @Test
    void withoutAnAclNothingIsSigned() {
        credentials.update(cluster.getMetadata().getUid(), Map.of(MASTER, Optional.of(ALPHA)));
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5"), pod(1, "10.1.0.6")));
        assertThat(credentials.forAddress(MASTER)).isEmpty();
        assertThat(credentials.forAddress(SLAVE)).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theMountedSecretsAdminAccountOfTheSmallestKeySignsForEveryPodWithAnIpAndFollowsTheSecret() {
        acl("orders-acl");
        secret("orders-acl", ALPHA_FILE);
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5"), pod(1, "10.1.0.6"), pod(2, null)));
        assertThat(credentials.forAddress(MASTER)).contains(ALPHA);
        assertThat(credentials.forAddress(SLAVE)).contains(ALPHA);
        assertThat(warnings()).isEmpty();

        secret("orders-acl", ALPHA_FILE.replace("alphaSecret1", "rotatedSecret"));
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5"), pod(1, "10.1.0.6")));
        assertThat(credentials.forAddress(MASTER)).contains(new AdminCredentials("rkAlpha001", "rotatedSecret"));
    }

    @Test
    void duringARollEachPodIsSignedForTheFileItRunsWith() {
        acl("orders-acl");
        secret("orders-acl", ALPHA_FILE);
        secret("orders-acl-2", """
                accounts:
                  - accessKey: rkBeta0001
                    secretKey: betaSecret01
                    admin: true
                """);
        Pod oldMaster = pod(0, "10.1.0.5");
        // The spec now names another Secret; the slave was replaced already, the master not yet.
        acl("orders-acl-2");
        signing.refresh(client, cluster, pods(oldMaster, pod(1, "10.1.0.6")));
        assertThat(credentials.forAddress(MASTER)).contains(ALPHA);
        assertThat(credentials.forAddress(SLAVE)).contains(new AdminCredentials("rkBeta0001", "betaSecret01"));

        // The ACL removed: the replaced slave runs without it, the master still with it.
        cluster.getSpec().getBroker().setAcl(null);
        signing.refresh(client, cluster, pods(oldMaster, pod(1, "10.1.0.6")));
        assertThat(credentials.forAddress(MASTER)).contains(ALPHA);
        assertThat(credentials.forAddress(SLAVE)).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aBrokenSecretIsToldOnceWithoutItsContentAndTheLastGoodKeysStay() {
        acl("orders-acl");
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5")));
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5")));
        assertThat(warnings())
                .singleElement()
                .satisfies(m -> assertThat(m).contains("Secret orders-acl key plain_acl.yml: does not exist"));
        assertThat(credentials.forAddress(MASTER)).isEmpty();

        secret("orders-acl", ALPHA_FILE);
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5")));
        assertThat(credentials.forAddress(MASTER)).contains(ALPHA);

        // A bad edit: the brokers keep their last good file, and so does the operator.
        for (String broken : List.of(
                "just-a-password-s3cr3t",
                "accounts: [\"rkAlpha001:s3cr3t-value\"]",
                "accounts: 'unterminated s3cr3t",
                "accounts:\n  - accessKey: short\n    secretKey: s3cr3t-value\n    admin: true\n")) {
            secret("orders-acl", broken);
            signing.refresh(client, cluster, pods(pod(0, "10.1.0.5")));
            assertThat(credentials.forAddress(MASTER)).as(broken).contains(ALPHA);
        }
        List<String> warnings = warnings();
        assertThat(warnings).hasSize(5).allSatisfy(m -> assertThat(m).doesNotContain("s3cr3t", "password"));
        assertThat(warnings)
                .anyMatch(m -> m.contains("not YAML of the ACL file's shape"))
                .anyMatch(m -> m.contains("an account the brokers refuse: accessKey short"))
                .anyMatch(m -> m.contains("signing with its last good admin account rkAlpha001"));

        // No admin account at all: the old one is gone from the brokers' file too.
        secret("orders-acl", "accounts:\n  - accessKey: rkUser0001\n    secretKey: userSecret01\n");
        signing.refresh(client, cluster, pods(pod(0, "10.1.0.5")));
        assertThat(credentials.forAddress(MASTER)).isEmpty();
        assertThat(warnings()).anyMatch(m -> m.contains("the ACL file has no account with admin: true"));
    }

    private void acl(String secretName) {
        AclSpec acl = new AclSpec();
        acl.setSecretName(secretName);
        cluster.getSpec().getBroker().setAcl(acl);
    }

    /** The broker pod the current spec renders, at {@code ip}. */
    private Pod pod(int ordinal, String ip) {
        var template = BrokerStatefulSet.desired(
                        cluster, 0, BrokerConfigMap.desired(cluster), OperatorSettings.defaults())
                .getSpec()
                .getTemplate();
        Pod pod = new Pod();
        pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("orders-broker-0-" + ordinal)
                .withNamespace("prod")
                .build());
        pod.setSpec(template.getSpec());
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                .withPodIP(ip)
                .build());
        return pod;
    }

    private static ClusterObservation pods(Pod... pods) {
        return new ClusterObservation(
                Optional.empty(),
                Map.of(),
                Map.of(),
                Optional.empty(),
                Map.of(),
                List.of(),
                Map.of("orders-broker-0", new ArrayList<>(List.of(pods))),
                List.of(),
                Optional.empty());
    }

    private void secret(String name, String aclFile) {
        client.secrets()
                .inNamespace("prod")
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace("prod")
                        .endMetadata()
                        .addToData(
                                AclSpec.DEFAULT_KEY,
                                Base64.getEncoder().encodeToString(aclFile.getBytes(StandardCharsets.UTF_8)))
                        .build())
                .createOr(existing -> existing.update());
    }

    private List<String> warnings() {
        return client.v1().events().inNamespace("prod").list().getItems().stream()
                .filter(e -> AdminSigning.UNAVAILABLE.equals(e.getReason()))
                .map(Event::getMessage)
                .toList();
    }
}
