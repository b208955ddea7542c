package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.testing.WorkloadSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two operator replicas against one API server, as the Deployment runs them: the Lease holder
 * reconciles, the other does nothing until the holder is gone.
 */
@Timeout(120)
@EnableKubernetesMockClient(crud = true, https = false)
class LeaderElectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NS = "elect";
    KubernetesClient client;
    KubernetesMockServer server;
    private OperatorHarness first;
    private OperatorHarness second;

    /**
     * JOSDK checks at start that it may use Leases (a SelfSubjectRulesReview), which the CRUD mock
     * cannot answer; this answer grants what deploy/install grants.
     */
    @BeforeEach
    void grantLeases() {
        server.expect()
                .post()
                .withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(
                        201,
                        new SelfSubjectRulesReviewBuilder()
                                .withNewMetadata()
                                .endMetadata()
                                .withNewStatus()
                                .withIncomplete(false)
                                .addNewResourceRule()
                                .withApiGroups("coordination.k8s.io")
                                .withResources("leases")
                                .withVerbs("get", "create", "update")
                                .endResourceRule()
                                .endStatus()
                                .build())
                .always();
    }

    private OperatorHarness replica(String identity) {
        return new OperatorHarness(
                client,
                OperatorSettings.load(Map.of("busy-interval", "200ms")),
                LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("rocketkube-operator")
                        .withLeaseNamespace(NS)
                        .withIdentity(identity)
                        .withLeaseDuration(Duration.ofSeconds(3))
                        .withRenewDeadline(Duration.ofSeconds(2))
                        .withRetryPeriod(Duration.ofMillis(300))
                        // The JVM is the test's: losing the lease stops the operator instead of exiting.
                        .withExitOnStopLeading(false)
                        .build());
    }

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void onlyTheLeaseHolderReconcilesAndTheOtherTakesOverWhenItStops() {
        first = replica("first");
        await().atMost(WAIT)
                .until(() -> lease() != null && "first".equals(lease().getSpec().getHolderIdentity()));
        second = replica("second");
        first.create(OperatorHarness.cluster(NS, "alpha", 1));
        WorkloadSimulator sim = first.simulator(NS);
        sim.settleUntilReady("alpha");
        // Several busy intervals and lease renewals later, the follower still has done nothing.
        await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> first.admin.observations() > 3);
        assertThat(second.admin.observations())
                .as("the follower never reconciled")
                .isZero();
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("first");

        first.close();
        first = null;
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(lease().getSpec().getHolderIdentity()).isEqualTo("second");
            assertThat(second.admin.observations()).isPositive();
        });
    }

    private Lease lease() {
        return client.leases().inNamespace(NS).withName("rocketkube-operator").get();
    }
}
