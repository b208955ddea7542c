package io.rocketkube.namesrv.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The packaged shape of the NameServer: config mapping, lifecycle, health and metrics wired by Quarkus. */
@QuarkusTest
class NamesrvAppTest {
    @Inject
    NameServerLifecycle lifecycle;

    @Test
    void servesRemotingHealthAndMetrics() throws Exception {
        try (RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            RemotingCommand response = client.invokeSync(
                    lifecycle.nameServer().address(),
                    RemotingCommand.request(RequestCode.GET_BROKER_CLUSTER_INFO),
                    3000);
            assertThat(response.code()).isZero();
            client.invokeSync(lifecycle.nameServer().address(), RemotingCommand.request(4321), 3000);
        }
        given().get("/q/health/ready").then().statusCode(200).body(containsString("remoting"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("rocketkube_namesrv_brokers_live"))
                .body(containsString("rocketkube_namesrv_requests_seconds_count{code=\"106\""))
                .body(containsString("rocketkube_namesrv_errors_total{response_code=\"3\""));
    }
}
