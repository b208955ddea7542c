package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our broker, the packaged Quarkus app {@code broker-service/target/quarkus-app/quarkus-run.jar},
 * run as {@code java -Drocketkube.broker.*=... -jar}. It gets a loopback address 127.0.x.y of its
 * own with the remoting, HA and HTTP ports on it, advertises that address, and keeps its store in
 * the node's directory. Ready = remoting port accepting and {@code GET /q/health/ready} answering
 * 200 (which, for this app, also means a NameServer acknowledged its registration).
 */
public final class OurBroker extends ChildServer implements BrokerNode {

    public static final String MODULE = "broker-service";

    private final String name;
    private final Path dir;
    private final String host;
    private final int port;
    private final int httpPort;
    private final String clusterName;
    private final String brokerName;
    private final String heap;
    private final java.util.List<String> jvmOptions;
    private final Map<String, String> properties;
    private final Duration readyTimeout;

    private OurBroker(Builder builder) {
        super(Duration.ofSeconds(20));
        if (builder.namesrvAddrs.isEmpty()) {
            throw new IllegalArgumentException("a broker needs at least one NameServer");
        }
        this.name = builder.name;
        this.dir = E2eLayout.newRunDir(builder.name);
        this.host = Loopback.newAddress();
        this.port = Loopback.freePort(host);
        int haPort = Loopback.freePort(host);
        this.httpPort = Loopback.freePort(host);
        this.clusterName = builder.clusterName;
        this.brokerName = builder.brokerName;
        this.heap = builder.heap;
        this.jvmOptions = java.util.List.copyOf(builder.jvmOptions);
        this.readyTimeout = builder.readyTimeout;

        Map<String, String> values = new LinkedHashMap<>();
        values.put("rocketkube.broker.cluster-name", clusterName);
        values.put("rocketkube.broker.broker-name", brokerName);
        values.put("rocketkube.broker.broker-id", "0");
        values.put("rocketkube.broker.host", host);
        values.put("rocketkube.broker.advertised-host", host);
        values.put("rocketkube.broker.port", Integer.toString(port));
        values.put("rocketkube.broker.ha-port", Integer.toString(haPort));
        values.put("rocketkube.broker.namesrv-addr", String.join(";", builder.namesrvAddrs));
        values.put("rocketkube.broker.store-path", dir.resolve("store").toString());
        values.put("rocketkube.broker.flush-mode", builder.flushMode);
        values.put("rocketkube.broker.commit-log-segment-size", Long.toString(builder.commitLogSegmentSize));
        values.put("rocketkube.broker.auto-create-topic", Boolean.toString(builder.autoCreateTopic));
        values.put("quarkus.http.host", host);
        values.put("quarkus.http.port", Integer.toString(httpPort));
        values.putAll(builder.extra);
        this.properties = Map.copyOf(values);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String clusterName() {
        return clusterName;
    }

    @Override
    public String brokerName() {
        return brokerName;
    }

    @Override
    public String address() {
        return host + ":" + port;
    }

    public String httpUrl(String path) {
        return "http://" + host + ":" + httpPort + path;
    }

    @Override
    public synchronized void start() {
        checkNotRunning(name);
        Path jar = E2eLayout.quarkusApp(MODULE);
        JavaCommand command = JavaCommand.jar(jar)
                .jvmOptions("-Xms" + heap, "-Xmx" + heap)
                // G1 unless the caller picked a collector: the JVM refuses two.
                .jvmOptions(
                        jvmOptions.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w+GC"))
                                ? new String[0]
                                : new String[] {"-XX:+UseG1GC"})
                .jvmOptions(jvmOptions.toArray(String[]::new))
                .systemProperty("user.home", dir.resolve("user-home"))
                .systemProperties(properties);
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
        return name + "(" + kind() + " " + brokerName + "@" + address() + ")";
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> extra = new LinkedHashMap<>();
        private List<String> namesrvAddrs = List.of();
        private String clusterName = "DefaultCluster";
        private String brokerName;
        private String flushMode = "ASYNC_FLUSH";
        private long commitLogSegmentSize = 64L << 20;
        private boolean autoCreateTopic = true;
        private String heap = "1g";
        private final java.util.List<String> jvmOptions = new java.util.ArrayList<>();
        private Duration readyTimeout = Duration.ofSeconds(90);

        private Builder(String name) {
            this.name = name;
            this.brokerName = name;
        }

        public Builder namesrvAddrs(String... addrs) {
            this.namesrvAddrs = List.of(addrs);
            return this;
        }

        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        public Builder brokerName(String brokerName) {
            this.brokerName = brokerName;
            return this;
        }

        /** "ASYNC_FLUSH" (default) or "SYNC_FLUSH", as for the Apache broker's flushDiskType. */
        public Builder flushMode(String flushMode) {
            this.flushMode = flushMode;
            return this;
        }

        /** CommitLog segment size in bytes; 64 MiB by default, as for {@link ApacheBroker}. */
        public Builder commitLogSegmentSize(long bytes) {
            this.commitLogSegmentSize = bytes;
            return this;
        }

        public Builder autoCreateTopic(boolean enabled) {
            this.autoCreateTopic = enabled;
            return this;
        }

        /** More JVM options, after the heap ones; naming a collector ({@code -XX:+UseSerialGC}) replaces G1. */
        public Builder jvmOptions(java.util.List<String> options) {
            jvmOptions.addAll(options);
            return this;
        }

        /** Heap, used for both -Xms and -Xmx; "1g" by default, as for {@link ApacheBroker}. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** Any other -D option (rocketkube.broker.*, quarkus.*). */
        public Builder property(String key, String value) {
            extra.put(key, value);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public OurBroker build() {
            return new OurBroker(this);
        }
    }
}
