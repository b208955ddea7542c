package io.rocketkube.namesrv;

import io.rocketkube.client.remoting.RemotingServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the NameServer needs, as plain values: the Quarkus layer builds it from configuration and
 * tests build it directly.
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

    /** Settings without a KV seed file. */
    public NameServerSettings(
            RemotingServerConfig remoting,
            Path dataDir,
            Duration brokerExpiry,
            Duration scanInterval,
            int processorThreads,
            boolean orderMessageEnable) {
        this(remoting, dataDir, brokerExpiry, scanInterval, processorThreads, orderMessageEnable, Optional.empty());
    }

    /** The same settings, started with the KV seed {@code file}. */
    public NameServerSettings withKvSeedFile(Path file) {
        return new NameServerSettings(
                remoting, dataDir, brokerExpiry, scanInterval, processorThreads, orderMessageEnable, Optional.of(file));
    }

    /** An ephemeral port on {@code host}, reference timings. */
    public static NameServerSettings forTest(String host, Path dataDir) {
        return new NameServerSettings(
                RemotingServerConfig.of(host, 0), dataDir, Duration.ofSeconds(120), Duration.ofSeconds(10), 4, false);
    }
}
