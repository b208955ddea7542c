package io.rocketkube.broker.settings;

import io.rocketkube.store.FlushMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the broker is told from outside, as plain values: built from the Quarkus configuration
 * {@link BrokerConfig} by {@link SettingsFactory#from}. Immutable. Defaults are written once, in
 * {@code BrokerConfig}; {@link #defaults()} and {@link #forTest} read them from there.
 *
 * <p>The components after {@code flowLimits} are features' own settings records. The withers go through
 * {@link Copy}, so a new component costs one line there instead of one in every wither.
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
 * @param disk                 when retention deletes early and when sends are refused for a full disk
 * @param flowLimits           caps on queued request bytes and held pulls
 * @param slave                master address override, slave reads and metadata sync ({@link SlaveSettings})
 * @param delayLevels          the delay of each message delay level (RocketMQ's {@code messageDelayLevel})
 * @param enablePropertyFilter whether SQL92 subscriptions are served (RocketMQ's {@code enablePropertyFilter})
 * @param transaction          check-back timing of transactional half messages
 * @param ha                   replication (HA channel, SYNC_MASTER waits, slave readiness)
 * @param timer                5.x timer messages (precision, maximum delay)
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
        DiskThresholds disk,
        FlowLimits flowLimits,
        SlaveSettings slave,
        DelayLevels delayLevels,
        boolean enablePropertyFilter,
        TransactionSettings transaction,
        HaSettings ha,
        TimerSettings timer,
        Optional<Path> aclFile) {

    public BrokerSettings {
        Objects.requireNonNull(clusterName, "clusterName");
        Objects.requireNonNull(brokerName, "brokerName");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(flushMode, "flushMode");
        Objects.requireNonNull(storePath, "storePath");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(flowLimits, "flowLimits");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(pullCaps, "pullCaps");
        Objects.requireNonNull(slave, "slave");
        Objects.requireNonNull(delayLevels, "delayLevels");
        Objects.requireNonNull(aclFile, "aclFile");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(ha, "ha");
        Objects.requireNonNull(timer, "timer");
        namesrvAddr = namesrvAddr == null ? "" : namesrvAddr.trim();
        if (brokerId < 0) {
            throw new IllegalArgumentException("broker-id must be >= 0, was " + brokerId);
        }
        if (brokerId == 0 && role == BrokerRole.SLAVE) {
            throw new IllegalArgumentException("broker id 0 is the master; a SLAVE needs a non-zero broker-id");
        }
        if (maxMessageSize < 1024 || defaultTopicQueueNums < 1) {
            throw new IllegalArgumentException("max-message-size must be >= 1024 and default-topic-queue-nums >= 1");
        }
    }

    /** The packaged broker's defaults ({@link BrokerConfig}'s), for code that runs without Quarkus. */
    public static BrokerSettings defaults() {
        return Defaults.SETTINGS;
    }

    /**
     * A master on {@code host} with ephemeral ports and small store files, for tests: the packaged defaults
     * with {@link #testProperties} set. An empty {@code namesrvAddr} means a broker that registers nowhere.
     */
    public static BrokerSettings forTest(String host, Path storePath, String namesrvAddr) {
        return SettingsFactory.load(testProperties(host, storePath, namesrvAddr))
                .edit(c -> c.namesrvAddr = namesrvAddr);
    }

    /**
     * The configuration keys {@link #forTest} sets, for a test that sets more of them and passes the result to
     * {@link SettingsFactory#load}. A commit log segment of 64 MiB instead of 1 GiB keeps test directories
     * small, and a shorter shutdown grace keeps closing fast.
     */
    public static Map<String, String> testProperties(String host, Path storePath, String namesrvAddr) {
        Map<String, String> properties = new HashMap<>();
        properties.put("host", host);
        properties.put("advertised-host", host);
        properties.put("store-path", storePath.toString());
        properties.put("port", "0");
        properties.put("ha-port", "0");
        properties.put("commit-log-segment-size", String.valueOf(64 * 1024 * 1024));
        properties.put("shutdown-grace", "5s");
        if (!namesrvAddr.isBlank()) {
            properties.put("namesrv-addr", namesrvAddr);
        }
        return properties;
    }

    public BrokerSettings withPort(int newPort) {
        return edit(c -> c.port = newPort);
    }

    public BrokerSettings withFlushMode(FlushMode mode) {
        return edit(c -> c.flushMode = mode);
    }

    public BrokerSettings withAutoCreate(boolean topics, boolean groups) {
        return edit(c -> {
            c.autoCreateTopic = topics;
            c.autoCreateSubscriptionGroup = groups;
        });
    }

    public BrokerSettings withMaxMessageSize(int bytes) {
        return edit(c -> c.maxMessageSize = bytes);
    }

    public BrokerSettings withSendOnIoThread(boolean inline) {
        return edit(c -> c.sendOnIoThread = inline);
    }

    public BrokerSettings withDisk(DiskThresholds thresholds) {
        return edit(c -> c.disk = thresholds);
    }

    public BrokerSettings withFlowLimits(FlowLimits limits) {
        return edit(c -> c.flowLimits = limits);
    }

    public BrokerSettings withPullCaps(PullTransferCaps caps) {
        return edit(c -> c.pullCaps = caps);
    }

    /** The same broker as slave {@code id} (≥ 1) of its group, with {@code newHaPort}. */
    public BrokerSettings asSlave(long id, int newHaPort) {
        return edit(c -> {
            c.brokerId = id;
            c.role = BrokerRole.SLAVE;
            c.haPort = newHaPort;
        });
    }

    public BrokerSettings withSlave(SlaveSettings newSlave) {
        return edit(c -> c.slave = newSlave);
    }

    public BrokerSettings withDelayLevels(DelayLevels levels) {
        return edit(c -> c.delayLevels = levels);
    }

    public BrokerSettings withEnablePropertyFilter(boolean value) {
        return edit(c -> c.enablePropertyFilter = value);
    }

    public BrokerSettings withTransaction(TransactionSettings value) {
        return edit(c -> c.transaction = value);
    }

    public BrokerSettings withHa(HaSettings value) {
        return edit(c -> c.ha = value);
    }

    public BrokerSettings withTimer(TimerSettings value) {
        return edit(c -> c.timer = value);
    }

    /** With the ACL on, read from {@code file} (plain_acl.yml); {@code null} turns it off. */
    public BrokerSettings withAclFile(Path file) {
        return edit(c -> c.aclFile = Optional.ofNullable(file));
    }

    /** The same broker as a slave ({@code id} >= 1) or master ({@code id} 0) of {@code newRole}. */
    public BrokerSettings withRole(long id, BrokerRole newRole) {
        return edit(c -> {
            c.brokerId = id;
            c.role = newRole;
        });
    }

    public BrokerSettings withHaPort(int newHaPort) {
        return edit(c -> c.haPort = newHaPort);
    }

    private BrokerSettings edit(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** A mutable copy for the withers; the record's constructor checks the result. */
    private static final class Copy {
        String clusterName;
        String brokerName;
        long brokerId;
        BrokerRole role;
        FlushMode flushMode;
        Path storePath;
        String host;
        int port;
        int haPort;
        String namesrvAddr;
        String advertisedHost;
        boolean autoCreateTopic;
        boolean autoCreateSubscriptionGroup;
        int defaultTopicQueueNums;
        int maxMessageSize;
        int fileReservedHours;
        int commitLogSegmentSize;
        Duration registerInterval;
        Duration offsetPersistInterval;
        Duration clientIdleTimeout;
        Duration shutdownGrace;
        int ioThreads;
        PullTransferCaps pullCaps;
        boolean sendOnIoThread;
        DiskThresholds disk;
        FlowLimits flowLimits;
        SlaveSettings slave;
        DelayLevels delayLevels;
        boolean enablePropertyFilter;
        TransactionSettings transaction;
        HaSettings ha;
        TimerSettings timer;
        Optional<Path> aclFile;

        Copy(BrokerSettings s) {
            clusterName = s.clusterName;
            brokerName = s.brokerName;
            brokerId = s.brokerId;
            role = s.role;
            flushMode = s.flushMode;
            storePath = s.storePath;
            host = s.host;
            port = s.port;
            haPort = s.haPort;
            namesrvAddr = s.namesrvAddr;
            advertisedHost = s.advertisedHost;
            autoCreateTopic = s.autoCreateTopic;
            autoCreateSubscriptionGroup = s.autoCreateSubscriptionGroup;
            defaultTopicQueueNums = s.defaultTopicQueueNums;
            maxMessageSize = s.maxMessageSize;
            fileReservedHours = s.fileReservedHours;
            commitLogSegmentSize = s.commitLogSegmentSize;
            registerInterval = s.registerInterval;
            offsetPersistInterval = s.offsetPersistInterval;
            clientIdleTimeout = s.clientIdleTimeout;
            shutdownGrace = s.shutdownGrace;
            ioThreads = s.ioThreads;
            pullCaps = s.pullCaps;
            sendOnIoThread = s.sendOnIoThread;
            disk = s.disk;
            flowLimits = s.flowLimits;
            slave = s.slave;
            delayLevels = s.delayLevels;
            enablePropertyFilter = s.enablePropertyFilter;
            transaction = s.transaction;
            ha = s.ha;
            timer = s.timer;
            aclFile = s.aclFile;
        }

        BrokerSettings build() {
            return new BrokerSettings(
                    clusterName,
                    brokerName,
                    brokerId,
                    role,
                    flushMode,
                    storePath,
                    host,
                    port,
                    haPort,
                    namesrvAddr,
                    advertisedHost,
                    autoCreateTopic,
                    autoCreateSubscriptionGroup,
                    defaultTopicQueueNums,
                    maxMessageSize,
                    fileReservedHours,
                    commitLogSegmentSize,
                    registerInterval,
                    offsetPersistInterval,
                    clientIdleTimeout,
                    shutdownGrace,
                    ioThreads,
                    pullCaps,
                    sendOnIoThread,
                    disk,
                    flowLimits,
                    slave,
                    delayLevels,
                    enablePropertyFilter,
                    transaction,
                    ha,
                    timer,
                    aclFile);
        }
    }

    public boolean isMaster() {
        return role != BrokerRole.SLAVE;
    }

    /** Loaded on first use: reading the mapping costs a few milliseconds, and the packaged broker never needs it. */
    private static final class Defaults {
        static final BrokerSettings SETTINGS = SettingsFactory.load(Map.of());
    }
}
