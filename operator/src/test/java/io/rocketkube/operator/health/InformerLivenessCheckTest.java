package io.rocketkube.operator.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import io.javaoperatorsdk.operator.processing.LifecycleAware;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.reconcile.OperatorHarness;
import io.rocketkube.operator.reconcile.RocketClusterReconciler;
import io.rocketkube.operator.testing.FakeBrokerAdmin;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The liveness check against JOSDK's real informers on fabric8's CRUD mock. */
@Timeout(60)
@EnableKubernetesMockClient(crud = true, https = false)
class InformerLivenessCheckTest {

    KubernetesClient client;

    @Test
    void upWhileTheInformersRunAndDownOnceOneHasStopped() {
        try (OperatorHarness harness = new OperatorHarness(client)) {
            Operator operator = harness.operator();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> operator.getRuntimeInfo().allEventSourcesAreHealthy());
            assertThat(InformerLivenessCheck.check(operator.getRuntimeInfo()).getStatus())
                    .isEqualTo(HealthCheckResponse.Status.UP);

            // What fabric8 does when a watch fails for good (the original symptom: one bad object
            // stopped the RocketCluster watch): the informer itself stops and never restarts, while
            // JOSDK's event source still holds it.
            Map.Entry<String, InformerWrappingEventSourceHealthIndicator> pods = operator
                    .getRuntimeInfo()
                    .getRegisteredController(RocketClusterReconciler.NAME)
                    .getControllerHealthInfo()
                    .informerEventSourceHealthIndicators()
                    .entrySet()
                    .stream()
                    .filter(e -> e.getValue() instanceof EventSource<?, ?> source && source.resourceType() == Pod.class)
                    .findFirst()
                    .orElseThrow();
            pods.getValue().informerHealthIndicators().values().forEach(informer -> ((LifecycleAware) informer).stop());

            HealthCheckResponse response = InformerLivenessCheck.check(operator.getRuntimeInfo());
            assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(response.getData().orElseThrow().get("stopped").toString())
                    .contains(RocketClusterReconciler.NAME + "/" + pods.getKey());
        }
    }

    @Test
    void aReplicaThatHasNotStartedItsInformersIsAlive() {
        // A standby replica waiting for the leader Lease has registered its controller but started
        // no informer; restarting it would be pointless churn.
        OperatorHarness.installCrd(client);
        Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
        operator.register(new RocketClusterReconciler(
                OperatorSettings.defaults(), new FakeBrokerAdmin(), new MutableClock(Instant.EPOCH)));
        // JOSDK's own health summary throws here (its informer cache is not built before start).
        assertThat(InformerLivenessCheck.check(operator.getRuntimeInfo()).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }
}
