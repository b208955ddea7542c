package io.rocketkube.broker.config;

import io.rocketkube.broker.settings.BrokerRole;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.DelayLevels;
import io.rocketkube.broker.settings.FlowLimits;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.broker.settings.PullTransferCaps;
import io.rocketkube.broker.settings.SlaveSettings;
import io.rocketkube.broker.settings.TimerSettings;
import io.rocketkube.broker.settings.TransactionSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the configuration into plain {@link BrokerSettings}, deriving what the contract says to derive. */
public final class SettingsFactory {
    private static final Pattern ORDINAL = Pattern.compile(".*-(\\d+)$");

    private SettingsFactory() {}

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
                c.diskMaxUsedSpaceRatio(),
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
                new TimerSettings(c.timerWheelEnable(), c.timerPrecisionMs(), c.timerMaxDelaySec()));
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
