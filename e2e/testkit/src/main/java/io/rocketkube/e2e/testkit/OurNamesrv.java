package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Our NameServer, the packaged Quarkus app {@code namesrv-service/target/quarkus-app/quarkus-run.jar},
 * run as {@code java -Dkey=value -jar}. It gets a loopback address 127.0.x.y of its own, with the
 * remoting port and the HTTP port on it. Ready = remoting port accepting and
 * {@code GET /q/health/ready} answering 200.
 */
public final class OurNamesrv extends ChildServer implements NameServerNode {

    public static final String MODULE = "namesrv-service";

    private final String name;
    private final Path dir;
    private final String host;
    private final int port;
    private final int httpPort;
    private final String heap;
    private final Map<String, String> extraProperties;
    private final Duration readyTimeout;

    private OurNamesrv(Builder builder) {
        super(Duration.ofSeconds(15));
        this.name = builder.name;
        this.dir = E2eLayout.newRunDir(builder.name);
        this.host = Loopback.newAddress();
        this.port = Loopback.freePort(host);
        this.httpPort = Loopback.freePort(host);
        this.heap = builder.heap;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.readyTimeout = builder.readyTimeout;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String address() {
        return host + ":" + port;
    }

    public String host() {
        return host;
    }

    public String httpUrl(String path) {
        return "http://" + host + ":" + httpPort + path;
    }

    public Path dataDir() {
        return dir.resolve("data");
    }

    @Override
    public synchronized void start() {
        checkNotRunning(name);
        Path jar = E2eLayout.quarkusApp(MODULE);
        JavaCommand command = JavaCommand.jar(jar)
                .jvmOptions("-Xmx" + heap)
                .systemProperty("rocketkube.namesrv.host", host)
                .systemProperty("rocketkube.namesrv.port", port)
                .systemProperty("rocketkube.namesrv.data-dir", dataDir())
                .systemProperty("quarkus.http.host", host)
                .systemProperty("quarkus.http.port", httpPort)
                .systemProperties(extraProperties);
        launch(
                name,
                dir,
                command,
                Map.of(),
                ReadinessProbe.allOf(
                        ReadinessProbe.tcp(host, port), ReadinessProbe.http200(httpUrl("/q/health/ready"))),
                readyTimeout);
    }

    @Override
    public String kind() {
        return "ours";
    }

    @Override
    public String toString() {
        return name + "(" + kind() + " " + address() + ")";
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private String heap = "256m";
        private Duration readyTimeout = Duration.ofSeconds(60);

        private Builder(String name) {
            this.name = name;
        }

        /** Maximum heap, e.g. "256m" (the default, as for the Apache NameServer). */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** Any further -D option, e.g. {@code rocketkube.namesrv.broker-expiry=120s}. */
        public Builder property(String key, String value) {
            extraProperties.put(key, value);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public OurNamesrv build() {
            return new OurNamesrv(this);
        }
    }
}
