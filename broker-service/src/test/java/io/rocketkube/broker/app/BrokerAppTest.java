package io.rocketkube.broker.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged wiring: configuration, the broker bean's lifecycle, health checks and Prometheus metrics. */
@QuarkusTest
@QuarkusTestResource(InProcessNameServer.class)
class BrokerAppTest {
    @Inject
    BrokerLifecycle lifecycle;

    @Test
    void becomesReadyOnceRegisteredAndServesTheRemotingPort() throws Exception {
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() ->
                        given().get("/q/health/ready").then().statusCode(200).body(containsString("UP")));
        given().get("/q/health/live").then().statusCode(200);
        // The startup probe's endpoint carries the broker's own check (store recovered), not readiness.
        given().get("/q/health/started").then().statusCode(200).body(containsString("\"broker\""));

        try (RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            String addr = "127.0.0.1:" + lifecycle.broker().port();
            RemotingCommand send = RemotingCommand.request(RequestCode.SEND_MESSAGE_V2)
                    .withExtFields(Map.of(
                            "a", "PG", "b", "T_APP", "c", "TBW102", "d", "4", "e", "0", "f", "0", "g", "1", "h", "0"))
                    .withBody(new byte[] {1, 2, 3});
            assertThat(client.invokeSync(addr, send, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
        }
        given().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("rocketkube_broker_put_messages_total"))
                .body(containsString("rocketkube_broker_put_latency_seconds_bucket"));
    }
}
