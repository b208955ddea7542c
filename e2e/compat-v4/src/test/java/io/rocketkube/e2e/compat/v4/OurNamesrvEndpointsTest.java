package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.OurNamesrv;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The packaged NameServer's HTTP side, as Kubernetes probes and Prometheus see it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class OurNamesrvEndpointsTest {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private OurNamesrv namesrv;

    @BeforeAll
    void start() {
        namesrv = OurNamesrv.builder("namesrv-http").build();
        namesrv.start();
    }

    @AfterAll
    void stop() {
        namesrv.stop();
    }

    @Test
    void livenessAndReadinessAreUp() throws Exception {
        for (String path : new String[] {"/q/health/live", "/q/health/ready"}) {
            HttpResponse<String> response = get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).contains("\"status\"").contains("UP");
        }
    }

    @Test
    void metricsCountTheRegisteredBrokerAndTopics() throws Exception {
        String topicA = OfficialClients.unique("RkMetricsA");
        String topicB = OfficialClients.unique("RkMetricsB");
        try (RawBroker broker =
                new RawBroker("RkMetricsCluster", OfficialClients.unique("rk-metrics"), "127.0.0.1:2")) {
            broker.register(namesrv.address(), topicA, topicB);
            await("metrics show the broker").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                String metrics = get("/q/metrics").body();
                assertThat(gauge(metrics, "rocketkube_namesrv_brokers_live")).isEqualTo(1.0);
                assertThat(gauge(metrics, "rocketkube_namesrv_topics")).isEqualTo(2.0);
            });
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(namesrv.httpUrl(path)))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static double gauge(String metrics, String name) {
        Matcher matcher =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(metrics);
        if (!matcher.find()) {
            throw new AssertionError(name + " not in /q/metrics");
        }
        return Double.parseDouble(matcher.group(2));
    }
}
