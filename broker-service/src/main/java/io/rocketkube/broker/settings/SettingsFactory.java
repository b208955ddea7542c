package io.rocketkube.broker.settings;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the configuration into plain {@link BrokerSettings}, deriving what the contract says to derive.
 *
 * <p>{@link BrokerConfig}'s {@code @WithDefault} values are the only place a default is written. Code that
 * runs without Quarkus (tests, tools, the features' {@code defaults()}) gets its settings from
 * {@link #load(Map)}, which reads the same mapping with nothing but the given keys set.
 */
public final class SettingsFactory {
    /** RocketMQ's ACL file name, under {@code <store-path>/config} unless {@code acl-file} says otherwise. */
    static final String ACL_FILE_NAME = "plain_acl.yml";

    private static final Pattern ORDINAL = Pattern.compile(".*-(\\d+)$");
    private static final String PREFIX = "rocketkube.broker.";

    private SettingsFactory() {}

    /**
     * The settings the packaged broker would have if only {@code properties} were configured (keys without
     * the {@code rocketkube.broker.} prefix, values as in {@code application.properties}). Neither the
     * environment nor system properties are read: the result depends on the arguments alone. An unknown key
     * fails, as it fails the packaged broker's start.
     */
    public static BrokerSettings load(Map<String, String> properties) {
        Map<String, String> prefixed = new HashMap<>();
        // The store path's default is an expression over user.home; nothing else is visible to the mapping.
        prefixed.put("user.home", System.getProperty("user.home"));
        properties.forEach((key, value) -> prefixed.put(PREFIX + key, value));
        BrokerConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(prefixed, "settings", 100))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(BrokerConfig.class)
                .withValidateUnknown(true)
                .build()
                .getConfigMapping(BrokerConfig.class);
        return from(config);
    }

    public static BrokerSettings from(BrokerConfig c) {
        long brokerId = brokerId(c.brokerId(), c.podName().orElse(null));
        BrokerRole role = c.role().orElse(brokerId == 0 ? BrokerRole.ASYNC_MASTER : BrokerRole.SLAVE);
        if (brokerId != 0 && role != BrokerRole.SLAVE) {
            // A non-zero id is a slave whatever the role says: only id 0 is the master clients write to.
            role = BrokerRole.SLAVE;
        }
        String advertised = c.advertisedHost().filter(h -> !h.isBlank()).orElseGet(() -> advertisedHost(c.host()));
        return new BrokerSettings(
                c.clusterName(),
                c.brokerName(),
                brokerId,
                role,
                c.flushMode(),
                Path.of(c.storePath()),
                c.host(),
                c.port(),
                c.haPort(),
                c.namesrvAddr(),
                advertised,
                c.autoCreateTopic(),
                c.autoCreateSubscriptionGroup(),
                c.defaultTopicQueueNums(),
                c.maxMessageSize(),
                c.fileReservedHours(),
                c.commitLogSegmentSize(),
                c.registerInterval(),
                c.offsetPersistInterval(),
                c.clientIdleTimeout(),
                c.shutdownGrace(),
                c.ioThreads(),
                pullCaps(c),
                c.sendOnIoThread(),
                new DiskThresholds(
                        c.diskMaxUsedSpaceRatio(), c.diskSpaceCleanForciblyRatio(), c.diskSpaceWarningLevelRatio()),
                new FlowLimits(
                        c.maxQueuedRequestBytes(),
                        c.maxQueuedRequestBytesPerConnection(),
                        c.maxHeldPulls(),
                        c.maxHeldPullsPerConnection()),
                new SlaveSettings(c.masterAddress(), c.slaveReadEnable(), c.slaveSyncInterval()),
                DelayLevels.parse(c.messageDelayLevel()),
                c.enablePropertyFilter(),
                new TransactionSettings(c.transactionTimeout(), c.transactionCheckInterval(), c.transactionCheckMax()),
                new HaSettings(
                        c.masterHaAddress(),
                        c.slaveTimeout(),
                        c.haMaxGapNotInSync(),
                        c.haHousekeepingInterval(),
                        c.haHeartbeatInterval(),
                        c.haTransferBatchSize(),
                        c.haMaxPendingBytesPerSlave(),
                        c.slaveReadyMaxLagBytes()),
                new TimerSettings(
                        c.timerWheelEnable(), c.timerPrecisionMs(), c.timerMaxDelaySec(), c.recallMessageEnable()),
                c.aclEnable()
                        ? Optional.of(c.aclFile()
                                .map(Path::of)
                                .orElse(Path.of(c.storePath()).resolve("config").resolve(ACL_FILE_NAME)))
                        : Optional.empty());
    }

    static PullTransferCaps pullCaps(BrokerConfig c) {
        return new PullTransferCaps(
                c.maxTransferCountOnMessageInMemory(),
                c.maxTransferBytesOnMessageInMemory(),
                c.maxTransferCountOnMessageInDisk(),
                c.maxTransferBytesOnMessageInDisk(),
                c.accessMessageInMemoryMaxRatio(),
                c.physicalMemoryBytes().orElseGet(PullTransferCaps::totalPhysicalMemory));
    }

    /** The explicit id, else the pod ordinal ({@code broker-a-1} → 1), else 0. */
    static long brokerId(OptionalLong configured, String podName) {
        if (configured.isPresent()) {
            return configured.getAsLong();
        }
        if (podName != null) {
            Matcher m = ORDINAL.matcher(podName.trim());
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
        }
        return 0;
    }

    /** The bind host if it is a concrete address, else the first non-loopback IPv4, else 127.0.0.1. */
    static String advertisedHost(String bindHost) {
        if (bindHost != null && !bindHost.isBlank() && !"0.0.0.0".equals(bindHost) && !"::".equals(bindHost)) {
            return bindHost;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address
                            && !address.isLoopbackAddress()
                            && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }
}
