package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.crds.v1alpha1.AclSpec;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.admin.AdminCredentials;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.model.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which keys the operator signs a cluster's broker requests with, read from the Secret its spec names. */
@EnableKubernetesMockClient(crud = true, https = false)
class AdminSigningTest {
    private static final String MASTER = "10.1.0.5:10911";
    private static final String SLAVE = "10.1.0.6:10911";

    KubernetesClient client;

    private final RocketCluster cluster = Fixtures.cluster("prod", "orders", 1);
    private final BrokerCredentials credentials = new BrokerCredentials();
    private AdminSigning signing;
    private ClusterObservation seen;

    @BeforeEach
    void setUp() {
        signing = new AdminSigning(credentials, new EventRecorder(new MutableClock(Instant.EPOCH)));
        seen = new ClusterObservation(
                Optional.empty(),
                Map.of(),
                Map.of(),
                Optional.empty(),
                Map.of(),
                List.of(),
                Map.of(
                        "orders-broker-0",
                        List.of(
                                pod("orders-broker-0-0", "10.1.0.5"),
                                pod("orders-broker-0-1", "10.1.0.6"),
                                pod("orders-broker-0-2", null))),
                List.of(),
                Optional.empty());
    }

    @Test
    void withoutAnAclNothingIsSigned() {
        credentials.update(
                cluster.getMetadata().getUid(), List.of(MASTER), Optional.of(new AdminCredentials("a", "b")));
        signing.refresh(client, cluster, seen);
        assertThat(credentials.forAddress(MASTER)).isEmpty();
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theSecretsFirstAdminAccountSignsForEveryBrokerPodAndFollowsTheSecret() {
        acl("orders-acl");
        secret("orders-acl", """
                accounts:
                  - accessKey: rkUser0001
                    secretKey: userSecret01
                  - accessKey: rkZeta0001
                    secretKey: zetaSecret01
                    admin: true
                  - accessKey: rkAlpha001
                    secretKey: alphaSecret1
                    admin: true
                """);
        signing.refresh(client, cluster, seen);
        assertThat(credentials.forAddress(MASTER)).contains(new AdminCredentials("rkAlpha001", "alphaSecret1"));
        assertThat(credentials.forAddress(SLAVE)).contains(new AdminCredentials("rkAlpha001", "alphaSecret1"));
        assertThat(warnings()).isEmpty();

        secret("orders-acl", """
                accounts:
                  - accessKey: rkAlpha001
                    secretKey: rotatedSecret
                    admin: true
                """);
        signing.refresh(client, cluster, seen);
        assertThat(credentials.forAddress(MASTER)).contains(new AdminCredentials("rkAlpha001", "rotatedSecret"));
        assertThat(credentials.forAddress("10.1.0.99:10911")).isEmpty();
    }

    @Test
    void aMissingSecretOrOneWithoutAnAdminIsToldOnceAndNothingIsSigned() {
        acl("orders-acl");
        signing.refresh(client, cluster, seen);
        signing.refresh(client, cluster, seen);
        assertThat(warnings())
                .singleElement()
                .satisfies(
                        m -> assertThat(m).contains("Secret orders-acl (spec.broker.acl.secretName) does not exist"));
        assertThat(credentials.forAddress(MASTER)).isEmpty();

        secret("orders-acl", """
                accounts:
                  - accessKey: rkUser0001
                    secretKey: userSecret01
                """);
        signing.refresh(client, cluster, seen);
        assertThat(warnings()).hasSize(2).anyMatch(m -> m.contains("has no account with admin: true"));

        secret("orders-acl", "accounts: [oops");
        signing.refresh(client, cluster, seen);
        assertThat(warnings()).hasSize(3).anyMatch(m -> m.contains("is not an ACL file"));
        assertThat(credentials.forAddress(MASTER)).isEmpty();
        assertThat(warnings()).allSatisfy(m -> assertThat(m).doesNotContain("userSecret01"));
    }

    private void acl(String secretName) {
        AclSpec acl = new AclSpec();
        acl.setSecretName(secretName);
        cluster.getSpec().getBroker().setAcl(acl);
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

    private static Pod pod(String name, String ip) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("prod")
                .endMetadata()
                .withNewStatus()
                .withPodIP(ip)
                .endStatus()
                .build();
    }
}
