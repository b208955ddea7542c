package io.rocketkube.operator;

import static io.rocketkube.operator.testing.ClusterAssertions.assertCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.rocketkube.crds.v1alpha1.RocketCluster;
import io.rocketkube.operator.reconcile.OperatorHarness;
import io.rocketkube.operator.testing.CdiFakeBrokerAdmin;
import io.rocketkube.operator.testing.WorkloadSimulator;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged wiring: Quarkus starts the operator by itself, with its configuration, CDI beans,
 * the CRD that QOSDK generated and its health checks, against the CRUD mock.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@Timeout(180)
class OperatorAppTest {

    @Inject
    KubernetesClient client;

    @Inject
    CdiFakeBrokerAdmin admin;

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @Test
    void operatorReconcilesAClusterAndReportsHealthy() throws Exception {
        client.resources(RocketCluster.class)
                .inNamespace("app")
                .resource(OperatorHarness.cluster("app", "quarkus", 2))
                .create();
        WorkloadSimulator sim = new WorkloadSimulator(client, "app", admin);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            sim.settle();
            RocketCluster cluster = client.resources(RocketCluster.class)
                    .inNamespace("app")
                    .withName("quarkus")
                    .get();
            assertCondition(cluster, "Ready", "True", "ClusterReady");
            assertThat(cluster.getStatus().getGroupsReady()).isEqualTo("2/2");
        });
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(ready.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        HttpResponse<String> liveness = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(live.toString())).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
        assertThat(liveness.body()).contains("RocketKube operator informers");
    }
}
