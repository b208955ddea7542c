package io.rocketkube.namesrv;

import io.quarkus.runtime.configuration.DurationConverter;
import io.rocketkube.client.remoting.RemotingServerConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the NameServer needs, as plain values, converted from the Quarkus configuration
 * {@link NamesrvConfig} by {@link #from}. Defaults are written once, in {@code NamesrvConfig}; code that runs
 * without Quarkus reads them from there through {@link #load} (or {@link #forTest}), setting only the keys it
 * needs: there is no other way to build these settings.
 *
 * @param remoting         where and how the remoting server listens
 * @param dataDir          where the KV config file lives
 * @param brokerExpiry     a broker silent this long is dropped
 * @param scanInterval     how often silent brokers are looked for
 * @param processorThreads threads running request processors
 * @param orderMessageEnable whether routes carry orderTopicConf from the ORDER_TOPIC_CONFIG namespace
 * @param kvSeedFile       declared KV config put over the stored one at every start (see {@code KvSeed})
 */
public record NameServerSettings(
        RemotingServerConfig remoting,
        Path dataDir,
        Duration brokerExpiry,
        Duration scanInterval,
        int processorThreads,
        boolean orderMessageEnable,
        Optional<Path> kvSeedFile) {
    public NameServerSettings {
        Objects.requireNonNull(kvSeedFile, "kvSeedFile");
        if (brokerExpiry.isNegative() || brokerExpiry.isZero() || scanInterval.isNegative() || scanInterval.isZero()) {
            throw new IllegalArgumentException(
                    "broker expiry and scan interval must be positive, got " + brokerExpiry + " and " + scanInterval);
        }
        if (processorThreads <= 0) {
            throw new IllegalArgumentException("processor threads must be positive, got " + processorThreads);
        }
    }

    public static NameServerSettings from(NamesrvConfig config) {
        RemotingServerConfig remoting = RemotingServerConfig.of(config.host(), config.port())
                .withMaxFrameLength(config.maxFrameLength())
                .withIdleTimeout(config.channelIdleTimeout())
                .withIoThreads(config.ioThreads());
        return new NameServerSettings(
                remoting,
                config.dataDir(),
                config.brokerExpiry(),
                config.scanInterval(),
                config.processorThreads(),
                config.orderMessageEnable(),
                config.kvSeedFile());
    }

    /**
     * The settings the packaged NameServer would have if only {@code properties} were configured (keys
     * without the {@code rocketkube.namesrv.} prefix). Neither the environment nor system properties are read;
     * an unknown key fails, as it fails the packaged NameServer's start.
     */
    public static NameServerSettings load(Map<String, String> properties) {
        Map<String, String> prefixed = new HashMap<>();
        // The data directory's default is an expression over user.home; nothing else is visible to the mapping.
        prefixed.put("user.home", System.getProperty("user.home"));
        properties.forEach((key, value) -> prefixed.put("rocketkube.namesrv." + key, value));
        return from(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(prefixed, "settings", 100))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(NamesrvConfig.class)
                .withValidateUnknown(true)
                .build()
                .getConfigMapping(NamesrvConfig.class));
    }

    /** The packaged defaults on {@code host}, an ephemeral port and four processor threads, for tests. */
    public static NameServerSettings forTest(String host, Path dataDir) {
        return forTest(host, dataDir, Map.of());
    }

    /** As {@link #forTest(String, Path)}, with {@code more} keys (as {@link #load} takes them) set or replaced. */
    public static NameServerSettings forTest(String host, Path dataDir, Map<String, String> more) {
        Map<String, String> properties = new HashMap<>(
                Map.of("host", host, "port", "0", "data-dir", dataDir.toString(), "processor-threads", "4"));
        properties.putAll(more);
        return load(properties);
    }
}
