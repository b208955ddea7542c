package io.rocketkube.broker;

import io.rocketkube.broker.ha.HaSettings;
import io.rocketkube.broker.processor.PullTransferCaps;
import io.rocketkube.store.FlushMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the broker is told from outside, as plain values: built from the Quarkus configuration by
 * {@code config.SettingsFactory}, or directly by tests. Immutable.
 *
 * @param namesrvAddr          semicolon-separated {@code host:port} list; each host is re-resolved to all of
 *                             its addresses before every registration round
 * @param advertisedHost       the IP registered with NameServers and written into every record's store host
 * @param defaultTopicQueueNums queues of TBW102, the template for auto-created topics
 * @param registerInterval     how often the broker re-registers with every NameServer
 * @param clientIdleTimeout    a client channel without heartbeat for this long is dropped
 * @param pullCaps           messages and bytes one pull answer may carry, in memory and from disk
 * @param sendOnIoThread       plain sends to an existing topic are stored and answered on the connection's
 *                             I/O thread instead of the send pool (see {@code SendMessageProcessor})
 * @param diskMaxUsedSpaceRatio sends are refused (SERVICE_NOT_AVAILABLE, "disk is full") once the store's
 *                             file system is more than this percent used (1..100)
 * @param flowLimits           caps on queued request bytes and held pulls
 * @param ha                   replication (HA channel, SYNC_MASTER waits, slave readiness)
 */
public record BrokerSettings(
        String clusterName,
        String brokerName,
        long brokerId,
        BrokerRole role,
        FlushMode flushMode,
        Path storePath,
        String host,
        int port,
        int haPort,
        String namesrvAddr,
        String advertisedHost,
        boolean autoCreateTopic,
        boolean autoCreateSubscriptionGroup,
        int defaultTopicQueueNums,
        int maxMessageSize,
        int fileReservedHours,
        int commitLogSegmentSize,
        Duration registerInterval,
        Duration offsetPersistInterval,
        Duration clientIdleTimeout,
        Duration shutdownGrace,
        int ioThreads,
        PullTransferCaps pullCaps,
        boolean sendOnIoThread,
        int diskMaxUsedSpaceRatio,
        FlowLimits flowLimits,
        HaSettings ha) {

    public BrokerSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(brokerName, "brokerName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(flushMode, "flushMode");
        Objects.requireNonNull(storePath, "storePath");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(flowLimits, "flowLimits");
        Objects.requireNonNull(ha, "ha");
        namesrvAddr = namesrvAddr == null ? "" : namesrvAddr.trim();
        if (brokerId < 0) {
            throw new IllegalArgumentException("broker-id must be >= 0, was " + brokerId);
        }
        if (brokerId == 0 && role == BrokerRole.SLAVE) {
            throw new IllegalArgumentException("broker id 0 is the master; a SLAVE needs a non-zero broker-id");
        }
        if (diskMaxUsedSpaceRatio < 1 || diskMaxUsedSpaceRatio > 100) {
            throw new IllegalArgumentException("disk-max-used-space-ratio must be 1..100, was " + diskMaxUsedSpaceRatio);
        }
        if (maxMessageSize < 1024 || defaultTopicQueueNums < 1) {
            throw new IllegalArgumentException("max-message-size must be >= 1024 and default-topic-queue-nums >= 1");
        }
    }

    /** A master on loopback with an ephemeral port and small store files, for tests. */
    public static BrokerSettings forTest(String host, Path storePath, String namesrvAddr) {
        return new BrokerSettings("DefaultCluster", "broker-a", 0, BrokerRole.ASYNC_MASTER, FlushMode.ASYNC_FLUSH,
                storePath, host, 0, 0, namesrvAddr, host, true, true, 8, 4 * 1024 * 1024, 72, 64 * 1024 * 1024,
                Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(5), 2,
                PullTransferCaps.defaults(), true, 75, FlowLimits.defaults(), HaSettings.defaults());
    }

    public BrokerSettings withPort(int newPort) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, newPort, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withFlushMode(FlushMode mode) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, mode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withAutoCreate(boolean topics, boolean groups) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, topics, groups, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withMaxMessageSize(int bytes) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                bytes, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withSendOnIoThread(boolean inline) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, inline, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withDiskMaxUsedSpaceRatio(int percent) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, percent, flowLimits, ha);
    }

    public BrokerSettings withFlowLimits(FlowLimits limits) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, limits, ha);
    }

    public BrokerSettings withPullCaps(PullTransferCaps caps) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, caps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits, ha);
    }

    public BrokerSettings withHa(HaSettings newHa) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits,
                newHa);
    }

    /** The same broker as a slave ({@code id} >= 1) or master ({@code id} 0) of {@code newRole}. */
    public BrokerSettings withRole(long id, BrokerRole newRole) {
        return new BrokerSettings(clusterName, brokerName, id, newRole, flushMode, storePath, host, port, haPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits,
                ha);
    }

    public BrokerSettings withHaPort(int newHaPort) {
        return new BrokerSettings(clusterName, brokerName, brokerId, role, flushMode, storePath, host, port, newHaPort,
                namesrvAddr, advertisedHost, autoCreateTopic, autoCreateSubscriptionGroup, defaultTopicQueueNums,
                maxMessageSize, fileReservedHours, commitLogSegmentSize, registerInterval, offsetPersistInterval,
                clientIdleTimeout, shutdownGrace, ioThreads, pullCaps, sendOnIoThread, diskMaxUsedSpaceRatio, flowLimits,
                ha);
    }

    public boolean isMaster() {
        return role != BrokerRole.SLAVE;
    }
}
