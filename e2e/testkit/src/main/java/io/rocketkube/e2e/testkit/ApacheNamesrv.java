package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The official Apache RocketMQ 4.9.7 NameServer ({@code NamesrvStartup -c namesrv.conf}) as a child
 * JVM. It binds the wildcard address, so it is addressed as 127.0.0.1 on a port of its own. Ready =
 * its port accepts connections. Its KV config lives in the node's data dir, so a restart keeps it.
 */
public final class ApacheNamesrv extends ChildServer implements NameServerNode {

    public static final String MAIN_CLASS = "org.apache.rocketmq.namesrv.NamesrvStartup";

    private final String name;
    private final Path dir;
    private final int port;
    private final String heap;
    private final Duration readyTimeout;

    private ApacheNamesrv(Builder builder) {
        super(Duration.ofSeconds(15));
        this.name = builder.name;
        this.dir = E2eLayout.newRunDir(builder.name);
        this.port = Loopback.freeWildcardPortBlock(0);
        this.heap = builder.heap;
        this.readyTimeout = builder.readyTimeout;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    @Override
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public synchronized void start() {
        checkNotRunning(name);
        Path home = dir.resolve("rocketmq-home");
        ApacheHome.writeLogback(home, "logback_namesrv.xml", dir.resolve("logs/namesrv.log"));
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("listenPort", Integer.toString(port));
        conf.put("rocketmqHome", home.toString());
        conf.put("kvConfigPath", dir.resolve("data/kvConfig.json").toString());
        conf.put("configStorePath", dir.resolve("data/namesrv.properties").toString());
        Path confFile = dir.resolve("namesrv.conf");
        ApacheHome.writeProperties(confFile, conf);

        JavaCommand command = JavaCommand.mainClass(E2eLayout.apachePeerClasspath(), MAIN_CLASS)
                .jvmOptions("-Xmx" + heap)
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
                ReadinessProbe.tcp("127.0.0.1", port),
                readyTimeout);
    }

    @Override
    public String kind() {
        return "apache-4.9.7";
    }

    @Override
    public String toString() {
        return name + "(" + kind() + " " + address() + ")";
    }

    /** Not thread-safe. */
    public static final class Builder {
        private final String name;
        private String heap = "256m";
        private Duration readyTimeout = Duration.ofSeconds(60);

        private Builder(String name) {
            this.name = name;
        }

        /** Maximum heap, e.g. "256m" (the default). */
        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = timeout;
            return this;
        }

        public ApacheNamesrv build() {
            return new ApacheNamesrv(this);
        }
    }
}
