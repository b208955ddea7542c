package io.rocketkube.broker.settings;

import io.rocketkube.store.FlushMode;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The broker's whole configuration, {@code rocketkube.broker.*}; every key is also settable as an environment
 * variable ({@code ROCKETKUBE_BROKER_BROKER_NAME}, ...), which is how the operator configures pods.
 * Documented in broker-service/README.md.
 */
@ConfigMapping(prefix = "rocketkube.broker")
public interface BrokerConfig {
    @WithDefault("DefaultCluster")
    String clusterName();

    @WithDefault("broker-a")
    String brokerName();

    /** Unset: derived from the trailing {@code -N} of {@link #podName()}, else 0. */
    OptionalLong brokerId();

    Optional<String> podName();

    /** Unset: ASYNC_MASTER for broker id 0, SLAVE otherwise. */
    Optional<BrokerRole> role();

    @WithDefault("ASYNC_FLUSH")
    FlushMode flushMode();

    @WithDefault("${user.home}/rocketkube/store")
    String storePath();

    @WithDefault("0.0.0.0")
    String host();

    @WithDefault("10911")
    int port();

    @WithDefault("10912")
    int haPort();

    /** Semicolon-separated {@code host:port}; each host re-resolved to all its addresses every round. */
    @WithDefault("127.0.0.1:9876")
    String namesrvAddr();

    /** Unset: the bind host if not a wildcard, else the first non-loopback IPv4, else 127.0.0.1. */
    Optional<String> advertisedHost();

    @WithDefault("true")
    boolean autoCreateTopic();

    @WithDefault("true")
    boolean autoCreateSubscriptionGroup();

    /**
     * Store and answer plain sends to existing topics on the connection's I/O thread, saving two thread
     * hand-overs per send; false sends every request through the send pool.
     */
    @WithDefault("true")
    boolean sendOnIoThread();

    /** Queues of TBW102, the auto-creation template (the client itself asks for 4). */
    @WithDefault("8")
    int defaultTopicQueueNums();

    @WithDefault("4194304")
    int maxMessageSize();

    @WithDefault("72")
    int fileReservedHours();

    /**
     * Percent of the store's file system in use (other users' files included) above which expired CommitLog
     * segments are deleted at any hour (RocketMQ's {@code diskMaxUsedSpaceRatio}); see {@link DiskThresholds}.
     */
    @WithDefault("75")
    int diskMaxUsedSpaceRatio();

    /** Above this percent in use the oldest segments go whatever their age (RocketMQ's 85 %). */
    @WithDefault("85")
    int diskSpaceCleanForciblyRatio();

    /**
     * Above this percent in use sends are refused with SERVICE_NOT_AVAILABLE, "disk is full", before the disk is
     * really full (RocketMQ's {@code diskSpaceWarningLevelRatio}, 90 %); 100 turns the gate off.
     */
    @WithDefault("90")
    int diskSpaceWarningLevelRatio();

    @WithDefault("1073741824")
    int commitLogSegmentSize();

    @WithDefault("30s")
    Duration registerInterval();

    @WithDefault("5s")
    Duration offsetPersistInterval();

    @WithDefault("120s")
    Duration clientIdleTimeout();

    /** How long shutdown waits for accepted sends to be answered. */
    @WithDefault("10s")
    Duration shutdownGrace();

    /** Netty event-loop threads for client connections. */
    @WithDefault("2")
    int ioThreads();

    /** Messages one pull answer carries at most while they are in memory (RocketMQ's default). */
    @WithDefault("32")
    int maxTransferCountOnMessageInMemory();

    /** Message bytes one pull answer carries at most while they are in memory (at least one message). */
    @WithDefault("262144")
    int maxTransferBytesOnMessageInMemory();

    /** Messages one pull answer carries at most once they are likely only on disk. */
    @WithDefault("8")
    int maxTransferCountOnMessageInDisk();

    /** Message bytes one pull answer carries at most once they are likely only on disk. */
    @WithDefault("65536")
    int maxTransferBytesOnMessageInDisk();

    /**
     * A message counts as on disk once more than this percentage of physical memory has been written to
     * the CommitLog after it.
     */
    @WithDefault("40")
    int accessMessageInMemoryMaxRatio();

    /** Unset: the total memory the JVM sees (the container's limit in a pod). */
    OptionalLong physicalMemoryBytes();

    /**
     * Bytes of accepted, unanswered requests over all connections; frames beyond it are answered SYSTEM_BUSY
     * unread. A quarter of the 128 MiB heap the broker is measured with.
     */
    @WithDefault("33554432")
    long maxQueuedRequestBytes();

    /** A connection is not read while it has more than this many request bytes queued. */
    @WithDefault("8388608")
    long maxQueuedRequestBytesPerConnection();

    /** Long-poll pulls parked at once; past it a pull is answered PULL_NOT_FOUND at once. */
    @WithDefault("8192")
    int maxHeldPulls();

    /** Long-poll pulls one connection may have parked. */
    @WithDefault("1024")
    int maxHeldPullsPerConnection();

    /**
     * A slave's master ("host:port" of its remoting port). Unset: learned from the NameServers' register
     * answers, which follow the master to a new address; set it only for brokers run without NameServers.
     */
    Optional<String> masterAddress();

    /**
     * RocketMQ's {@code slaveReadEnable}: a master sends a consumer that is far behind (its next message is on
     * disk) to a slave, and a slave keeps its consumers instead of sending them back to the master.
     */
    @WithDefault("false")
    boolean slaveReadEnable();

    /** How often a slave copies topics, groups and consumer offsets from its master (RocketMQ: 10 s). */
    @WithDefault("10s")
    Duration slaveSyncInterval();

    /**
     * The delay of each message delay level, level 1 first: RocketMQ's {@code messageDelayLevel} format
     * (a number and a unit s, m, h or d per level, space-separated). A level above the last is clamped to it.
     */
    @WithDefault("1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h")
    String messageDelayLevel();

    /**
     * Whether SQL92 subscriptions are served (RocketMQ's {@code enablePropertyFilter}); off, CHECK_CLIENT_CONFIG
     * and their pulls answer SYSTEM_ERROR as RocketMQ does.
     */
    @WithDefault("true")
    boolean enablePropertyFilter();

    /** A transactional half message is checked back once it is this old (RocketMQ's {@code transactionTimeOut}). */
    @WithDefault("6s")
    Duration transactionTimeout();

    /** How often open half messages are checked back (RocketMQ's {@code transactionCheckInterval}). */
    @WithDefault("60s")
    Duration transactionCheckInterval();

    /** Check-backs of one half message before it is discarded (RocketMQ's {@code transactionCheckMax}). */
    @WithDefault("15")
    int transactionCheckMax();

    /** A slave's master HA address ({@code host:port}); unset: the one the NameServers answer to registration. */
    Optional<String> masterHaAddress();

    /** How long a SYNC_MASTER send waits for a slave before FLUSH_SLAVE_TIMEOUT (RocketMQ's slaveTimeout). */
    @WithDefault("3s")
    Duration slaveTimeout();

    /** A slave further behind makes SYNC_MASTER answer SLAVE_NOT_AVAILABLE (RocketMQ's haSlaveFallbehindMax). */
    @WithDefault("268435456")
    long haMaxGapNotInSync();

    /** An HA connection silent (or, master side, not reading) this long is dropped (haHousekeepingInterval). */
    @WithDefault("20s")
    Duration haHousekeepingInterval();

    /** Slave report / idle master heartbeat period (haSendHeartbeatInterval). */
    @WithDefault("5s")
    Duration haHeartbeatInterval();

    /** CommitLog bytes per HA frame at most (haTransferBatchSize). */
    @WithDefault("32768")
    int haTransferBatchSize();

    /** Bytes queued for one slave at most; a slave that does not read is dropped after the housekeeping interval. */
    @WithDefault("1048576")
    int haMaxPendingBytesPerSlave();

    /** A slave is ready only while at most this many bytes behind its master. */
    @WithDefault("8388608")
    long slaveReadyMaxLagBytes();

    /** 5.x timer messages are scheduled (RocketMQ's {@code timerWheelEnable}); off, they are refused. */
    @WithDefault("true")
    boolean timerWheelEnable();

    /** Width of one timing-wheel slot: how late after its time a timer may arrive (RocketMQ's timerPrecisionMs). */
    @WithDefault("1000")
    long timerPrecisionMs();

    /** A timer message further ahead is refused with MESSAGE_ILLEGAL (RocketMQ's timerMaxDelaySec, 3 days). */
    @WithDefault("259200")
    long timerMaxDelaySec();

    /**
     * 5.3 clients may recall (cancel) a pending timer message with the handle its send was answered with
     * (RocketMQ's {@code recallMessageEnable}, off there by default; on here, since only a timer's sender is given
     * its handle); off, RECALL_MESSAGE is refused NO_PERMISSION as RocketMQ refuses it.
     */
    @WithDefault("true")
    boolean recallMessageEnable();

    /**
     * Every request must pass the access control list in {@link #aclFile} (RocketMQ 4.9's {@code aclEnable} with
     * plain_acl.yml; docs/acl.md). The broker does not start if the file is missing or invalid.
     */
    @WithDefault("false")
    boolean aclEnable();

    /** RocketMQ's plain_acl.yml; absent: {@code <store-path>/config/plain_acl.yml}. Re-read when it changes. */
    Optional<String> aclFile();
}
