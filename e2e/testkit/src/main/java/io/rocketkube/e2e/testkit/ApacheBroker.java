package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The official Apache RocketMQ 4.9.7 broker ({@code BrokerStartup -c broker.conf}) as a child JVM,
 * a master (brokerId 0) registering with the given NameServers.
 *
 * <p>4.9.x binds the wildcard address and opens three ports: the listen port p, HA at p + 1 and the
 * VIP channel at p − 2, so all three are allocated free on the wildcard address, and the broker is
 * addressed (brokerIP1) as 127.0.0.1:p. The store (small CommitLog files) lives in the node's
 * directory. Ready = the listen port accepts connections; registration with the NameServer follows
 * a moment later, so tests wait for the route they need.
 */
public final class ApacheBroker extends ChildServer implements BrokerNode {

    public static final String MAIN_CLASS = "org.apache.rocketmq.broker.BrokerStartup";

    private final String name;
    private final Path dir;
    private final int listenPort;
    private final String clusterName;
    private final String brokerName;
    private final Map<String, String> conf;
    private final String heap;
    private final Duration readyTimeout;
    private final String serverClasspath;
    private final String kind;

    private ApacheBroker(Builder builder) {
        super(Duration.ofSeconds(20));
        if (builder.namesrvAddrs.isEmpty()) {
            throw new IllegalArgumentException("a broker needs at least one NameServer");
        }
        this.name = builder.name;
        this.dir = E2eLayout.newRunDir(builder.name);
        this.listenPort = Loopback.freeWildcardPortBlock(-2, 0, 1);
        this.clusterName = builder.clusterName;
        this.brokerName = builder.brokerName;
        this.heap = builder.heap;
        this.readyTimeout = builder.readyTimeout;
        this.serverClasspath = builder.serverClasspath;
        this.kind = builder.kind;

        Map<String, String> values = new LinkedHashMap<>();
        values.put("brokerClusterName", clusterName);
        values.put("brokerName", brokerName);
        values.put("brokerId", "0");
        values.put("brokerRole", "ASYNC_MASTER");
        values.put("brokerIP1", "127.0.0.1");
        // The HA address; 4.9 otherwise picks the machine's first non-loopback address.
        values.put("brokerIP2", "127.0.0.1");
        values.put("namesrvAddr", String.join(";", builder.namesrvAddrs));
        values.put("listenPort", Integer.toString(listenPort));
        values.put("storePathRootDir", dir.resolve("store").toString());
        values.put("storePathCommitLog", dir.resolve("store/commitlog").toString());
        values.put("mappedFileSizeCommitLog", Long.toString(builder.mappedFileSizeCommitLog));
        values.put("flushDiskType", builder.flushDiskType);
        values.put("autoCreateTopicEnable", Boolean.toString(builder.autoCreateTopicEnable));
        values.put("autoCreateSubscriptionGroup", "true");
        values.putAll(builder.extra);
        this.conf = Map.copyOf(values);
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
        return "127.0.0.1:" + listenPort;
    }

    public int listenPort() {
        return listenPort;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void start() {
        checkNotRunning(name);
        Path home = dir.resolve("rocketmq-home");
        ApacheHome.writeLogback(home, "logback_broker.xml", dir.resolve("logs/broker.log"));
        Map<String, String> values = new LinkedHashMap<>(conf);
        values.put("rocketmqHome", home.toString());
        Path confFile = dir.resolve("broker.conf");
        ApacheHome.writeProperties(confFile, values);

        JavaCommand command = JavaCommand.mainClass(
                        serverClasspath != null ? serverClasspath : E2eLayout.apachePeerClasspath(), MAIN_CLASS)
                .jvmOptions("-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC")
                .jvmOptions(ApacheHome.JDK17_FLAGS.toArray(String[]::new))
                .systemProperty("rocketmq.home.dir", home)
                .systemProperty("user.home", dir.resolve("user-home"))
                // RocketMQ's default TLS mode (permissive) makes its server generate a self-signed certificate
                // pair in /tmp at every start; the tests speak plain TCP.
                .systemProperty("tls.server.mode", "disabled")
                .arguments("-c", confFile.toString());
        launch(
                name,
                dir,
                command,
                Map.of("ROCKETMQ_HOME", home.toString()),
                ReadinessProbe.tcp("127.0.0.1", listenPort),
                readyTimeout);
    }

    @Override
    public String kind() {
        return kind;
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
        private String flushDiskType = "ASYNC_FLUSH";
        private long mappedFileSizeCommitLog = 64L << 20;
        private boolean autoCreateTopicEnable = true;
        private String heap = "1g";
        private Duration readyTimeout = Duration.ofSeconds(90);
        private String serverClasspath;
        private String kind = "apache-4.9.7";

        private Builder(String name) {
            this.name = name;
            this.brokerName = name;
        }

        public Builder namesrvAddrs(List<String> addrs) {
            this.namesrvAddrs = List.copyOf(addrs);
            return this;
        }

        public Builder namesrvAddrs(String... addrs) {
            return namesrvAddrs(List.of(addrs));
        }

        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        public Builder brokerName(String brokerName) {
            this.brokerName = brokerName;
            return this;
        }

        /** "ASYNC_FLUSH" (default) or "SYNC_FLUSH". */
        public Builder flushDiskType(String flushDiskType) {
            this.flushDiskType = flushDiskType;
            return this;
        }

        /** CommitLog file size in bytes; 64 MiB by default (Apache's default is 1 GiB). */
        public Builder mappedFileSizeCommitLog(long bytes) {
            this.mappedFileSizeCommitLog = bytes;
            return this;
        }

        public Builder autoCreateTopicEnable(boolean enabled) {
            this.autoCreateTopicEnable = enabled;
            return this;
        }

        /** Heap, used for both -Xms and -Xmx; "1g" by default. */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        /** Any other broker.conf key (BrokerConfig, MessageStoreConfig, NettyServerConfig field). */
        public Builder property(String key, String value) {
            extra.put(key, value);
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        /**
         * Another Apache broker release with the same main class and broker.conf keys (the timer benchmark runs
         * 5.5.0 this way); {@code kind} names it in logs. The 4.9.7 peer classpath by default.
         */
        public Builder serverClasspath(String classpath, String kind) {
            this.serverClasspath = classpath;
            this.kind = kind;
            return this;
        }

        public ApacheBroker build() {
            return new ApacheBroker(this);
        }
    }
}
