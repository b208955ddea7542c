package io.rocketkube.namesrv;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The NameServer's configuration. Each key is also an environment variable: {@code rocketkube.namesrv.port}
 * is {@code ROCKETKUBE_NAMESRV_PORT}.
 */
@ConfigMapping(prefix = "rocketkube.namesrv")
public interface NamesrvConfig {
    /** Address the remoting server binds. */
    @WithDefault("0.0.0.0")
    String host();

    /** Remoting port brokers and clients connect to. */
    @WithDefault("9876")
    int port();

    /** Directory of the KV config file. */
    @WithDefault("${user.home}/rocketkube/namesrv")
    Path dataDir();

    /**
     * Declared KV config ({@code {namespace: {key: value}}} JSON), put over {@code kv-config.dat} at every
     * start; the operator mounts {@code spec.nameServers.kvConfig} here. Unset: none. A malformed file fails
     * the start.
     */
    Optional<Path> kvSeedFile();

    /** A broker silent this long is dropped (the reference's 120 s). */
    @WithDefault("120s")
    Duration brokerExpiry();

    /** How often silent brokers are looked for. */
    @WithDefault("10s")
    Duration scanInterval();

    /** Connections silent this long are closed. */
    @WithDefault("120s")
    Duration channelIdleTimeout();

    /** Frames larger than this close their connection. */
    @WithDefault("16777216")
    int maxFrameLength();

    /** Event-loop threads for socket I/O. */
    @WithDefault("2")
    int ioThreads();

    /** Threads running request processors. */
    @WithDefault("8")
    int processorThreads();

    /** Whether routes carry orderTopicConf from the ORDER_TOPIC_CONFIG KV namespace. */
    @WithDefault("false")
    boolean orderMessageEnable();
}
