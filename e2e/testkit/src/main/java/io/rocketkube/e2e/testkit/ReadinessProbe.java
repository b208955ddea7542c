package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One check of "is the server ready yet". Probes are polled by {@link ChildProcess#awaitReady}; each
 * call must return quickly (its own connect/request timeout is a few hundred milliseconds) and must
 * not throw for the ordinary "not yet" cases (connection refused, 503).
 */
public interface ReadinessProbe {

    Duration PROBE_TIMEOUT = Duration.ofMillis(500);

    boolean isReady();

    String describe();

    /** Ready when a TCP connection to host:port is accepted. */
    static ReadinessProbe tcp(String host, int port) {
        return new ReadinessProbe() {
            @Override
            public boolean isReady() {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            }

            @Override
            public String describe() {
                return "tcp " + host + ":" + port + " accepting";
            }
        };
    }

    /** Ready when {@code GET url} answers 200. */
    static ReadinessProbe http200(String url) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(PROBE_TIMEOUT)
                .GET()
                .build();
        return new ReadinessProbe() {
            @Override
            public boolean isReady() {
                try {
                    return client.send(request, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                } catch (IOException notYet) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public String describe() {
                return "GET " + url + " -> 200";
            }
        };
    }

    /** Ready when every probe is ready, checked in order (later probes are skipped while one fails). */
    static ReadinessProbe allOf(ReadinessProbe... probes) {
        List<ReadinessProbe> all = List.of(probes);
        return new ReadinessProbe() {
            @Override
            public boolean isReady() {
                return all.stream().allMatch(ReadinessProbe::isReady);
            }

            @Override
            public String describe() {
                return String.join(
                        " and ", all.stream().map(ReadinessProbe::describe).toList());
            }
        };
    }
}
