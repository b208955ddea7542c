package io.rocketkube.broker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.rocketkube.broker.acl.AclCheckedProcessor;
import io.rocketkube.broker.acl.AclService;
import io.rocketkube.broker.client.ClientCaller;
import io.rocketkube.broker.client.ConsumerIdsChangedNotifier;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.broker.filter.ConsumerFilters;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.ha.HaService;
import io.rocketkube.broker.longpoll.PullRequestHoldService;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.persist.BrokerFiles;
import io.rocketkube.broker.processor.AclAdminProcessor;
import io.rocketkube.broker.processor.BrokerConfigProcessor;
import io.rocketkube.broker.processor.BrokerInfoProcessor;
import io.rocketkube.broker.processor.BrokerPermissionCheck;
import io.rocketkube.broker.processor.BrokerStatsDataProcessor;
import io.rocketkube.broker.processor.ClientConfigCheckProcessor;
import io.rocketkube.broker.processor.ClientManageProcessor;
import io.rocketkube.broker.processor.ConnectionAdminProcessor;
import io.rocketkube.broker.processor.ConsumerCallProcessor;
import io.rocketkube.broker.processor.ConsumerOffsetProcessor;
import io.rocketkube.broker.processor.ConsumerStatusProcessor;
import io.rocketkube.broker.processor.GroupOffsetAdminProcessor;
import io.rocketkube.broker.processor.HaStatusProcessor;
import io.rocketkube.broker.processor.LockProcessor;
import io.rocketkube.broker.processor.MessageQueryProcessor;
import io.rocketkube.broker.processor.OffsetResetProcessor;
import io.rocketkube.broker.processor.OffsetTableProcessor;
import io.rocketkube.broker.processor.PullMessageProcessor;
import io.rocketkube.broker.processor.QueueOffsetProcessor;
import io.rocketkube.broker.processor.RecallMessageProcessor;
import io.rocketkube.broker.processor.ReplyMessageProcessor;
import io.rocketkube.broker.processor.SendBackProcessor;
import io.rocketkube.broker.processor.SendGate;
import io.rocketkube.broker.processor.SendMessageProcessor;
import io.rocketkube.broker.processor.StatsAdminProcessor;
import io.rocketkube.broker.processor.StoreAdminProcessor;
import io.rocketkube.broker.processor.SubscriptionGroupAdminProcessor;
import io.rocketkube.broker.processor.TopicAdminProcessor;
import io.rocketkube.broker.registration.MasterAddress;
import io.rocketkube.broker.registration.NameServerAddresses;
import io.rocketkube.broker.registration.NameServerRegistrar;
import io.rocketkube.broker.reply.ReplyPusher;
import io.rocketkube.broker.runtime.RuntimeConfig;
import io.rocketkube.broker.schedule.DelayOffsetProcessor;
import io.rocketkube.broker.schedule.DelayOffsetTable;
import io.rocketkube.broker.schedule.ScheduleDeliveryService;
import io.rocketkube.broker.schedule.ScheduleRouter;
import io.rocketkube.broker.schedule.ScheduleRuntimeInfo;
import io.rocketkube.broker.schedule.ScheduleTopicGuard;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.slave.PullRedirect;
import io.rocketkube.broker.slave.SlaveSynchronizer;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.stats.ConsumerLagGauges;
import io.rocketkube.broker.timer.TimerMessageService;
import io.rocketkube.broker.timer.TimerRouter;
import io.rocketkube.broker.timer.TimerRuntimeInfo;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.transaction.EndTransactionProcessor;
import io.rocketkube.broker.transaction.Transactions;
import io.rocketkube.broker.util.SafeTask;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.ProcessorRegistry;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingObserver;
import io.rocketkube.client.remoting.RemotingServer;
import io.rocketkube.client.remoting.RemotingServerConfig;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's composition root: builds the store, the metadata tables, the processors and the remoting
 * server, wires them together, and owns their order of start and stop. It does nothing else; every request
 * is handled by one of the processors registered in {@link #registry}.
 *
 * <p>Plain Java, so tests run a whole broker in-process; the Quarkus app wraps it in {@code app.BrokerLifecycle}.
 *
 * <p><b>Lifecycle</b>, the shape of {@code NameServer} and the store: {@link #open} picks the client port, opens
 * and recovers the store, loads the tables and builds every collaborator into a final field, starting no thread
 * and binding no port (a step failing closes what the earlier ones built); {@link #start()} starts them in order
 * (store threads, ports, HA, registration, periodic tasks), once; {@link #close()} stops them in reverse,
 * idempotent, also for a broker never started or whose start failed part way.
 *
 * <p><b>Why this class is large</b> (about 760 lines): it is only wiring, one constructor call per
 * collaborator, and the order of {@link #open} (recover the store before anything reads it) and of
 * {@code start()} and {@code close()} is what keeps a restart from serving before recovery or registering
 * before it listens; split across classes, that order could no longer be read in one place.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    /** Bytes a stored record may have beyond its body: fixed fields, topic and properties. */
    private static final int RECORD_OVERHEAD = 64 * 1024;
    /** RocketMQ's {@code deleteWhen} default, 04: expired CommitLog segments go at 4 a.m. unless mqadmin says otherwise. */
    private static final int DELETE_WHEN_HOUR = 4;

    private static final long CLIENT_SCAN_SECONDS = 10;
    private static final long STATS_SAMPLE_SECONDS = 10;
    /** How often moved delay-level positions are written: bounds what a crash delivers twice. */
    private static final long DELAY_OFFSET_PERSIST_MILLIS = 200;
    /**
     * A critical store thread silent for longer than this makes the broker not live. Far above its
     * slowest legitimate iteration (an fsync on a busy disk, a retention pass deleting a segment).
     */
    static final long STORE_STUCK_MILLIS = 60_000;

    private final BrokerSettings settings;
    private final Clock clock;
    private final MeterRegistry meters;
    private final SendGate sendGate = new SendGate();
    /** A slave's way to its master, learned from the NameServers' register answers. */
    private final MasterAddress masterAddress;

    /** The client port, chosen at open: the store host names it. */
    private final int port;

    /**
     * The HA port: a slave's configured one; a master's as bound in {@link #start()}, so that HA port 0 is
     * chosen by the kernel at the bind (no probe another process could win) and registered from then on.
     */
    private volatile int haPort;

    private final BrokerExecutors executors;
    private final MessageStore store;
    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final ConsumerOffsetManager offsets;
    private final RuntimeConfig runtimeConfig;
    private final ConsumerManager consumers;
    private final ProducerManager producers;
    private final PullRequestHoldService holds;
    private final Transactions transactions;
    private final BrokerStats stats;
    private final DelayOffsetTable delayOffsets;
    private final ScheduleDeliveryService scheduleDelivery;
    /** Null on a slave: only the master delivers timers. */
    private final TimerMessageService timers;

    private final ConsumerLagGauges lag;
    private final HaService ha;
    /** The access control list; null when {@code acl-enable} is false. */
    private final AclService acl;

    private final RemotingServer server;
    /** Null when port − 2 is no port; see {@link #startVipChannel}. */
    private final RemotingServer vipServer;

    private final RemotingClient namesrvClient;
    private final NameServerRegistrar registrar;
    /** Null on a master. */
    private final SlaveSynchronizer slaveSync;

    private volatile boolean started;

    private boolean closed;

    /**
     * Opens the broker: opens and recovers the store, loads the metadata tables and builds every collaborator,
     * starting no thread and binding no port. Then {@link #start()} serves, and {@link #close()} in any case.
     */
    public static Broker open(BrokerSettings settings, Clock clock, StoreOpener storeOpener, MeterRegistry meters)
            throws IOException {
        int port = settings.port() == 0 ? freePort(settings.host()) : settings.port();
        InetSocketAddress storeHost = new InetSocketAddress(InetAddress.getByName(settings.advertisedHost()), port);
        OpenedParts opened = new OpenedParts();
        MessageStore store = opened.add(storeOpener.open(storeConfig(settings, clock, storeHost)));
        try {
            return new Broker(settings, clock, meters, port, storeHost, store, opened);
        } catch (IOException | RuntimeException | Error e) {
            // A failed open keeps nothing: not the store's directory lock, the pools or the event loops.
            opened.closeAfter(e);
            throw e;
        }
    }

    private Broker(
            BrokerSettings settings,
            Clock clock,
            MeterRegistry meters,
            int port,
            InetSocketAddress storeHost,
            MessageStore store,
            OpenedParts opened)
            throws IOException {
        this.settings = settings;
        this.clock = clock;
        this.meters = meters;
        this.masterAddress = new MasterAddress(
                settings.slave().masterAddress(), settings.ha().masterHaAddress());
        this.port = port;
        this.haPort = settings.haPort();
        this.store = store;
        this.executors = opened.add(new BrokerExecutors(clock));
        this.runtimeConfig = RuntimeConfig.load(
                BrokerFiles.runtimeConfig(settings.storePath()),
                BrokerFiles.runtimeOverrides(settings.storePath()),
                runtimeDefaults(settings));
        store.retentionPolicy(runtimeConfig.retentionPolicy());
        this.topics = TopicConfigManager.load(
                BrokerFiles.topics(settings.storePath()),
                settings.withAutoCreate(runtimeConfig.autoCreateTopic(), settings.autoCreateSubscriptionGroup()),
                clock);
        this.groups = SubscriptionGroupManager.load(
                BrokerFiles.subscriptionGroups(settings.storePath()),
                clock,
                runtimeConfig::autoCreateSubscriptionGroup);
        this.offsets = ConsumerOffsetManager.load(BrokerFiles.consumerOffsets(settings.storePath()));
        this.consumers = new ConsumerManager(new ConsumerIdsChangedNotifier());
        this.producers = new ProducerManager();
        this.holds = new PullRequestHoldService(
                executors.scheduler,
                settings.flowLimits().maxHeldPullsPerConnection(),
                settings.flowLimits().maxHeldPulls());
        opened.add(holds, holds::close);
        store.addArrivalListener(holds);
        this.transactions = opened.add(Transactions.open(settings, store, topics, producers, meters, clock, storeHost));
        this.stats = new BrokerStats(meters, clock, () -> store.stats().getMissCount());
        this.delayOffsets = DelayOffsetTable.load(
                settings.storePath(), settings.delayLevels().maxLevel());
        this.scheduleDelivery =
                opened.add(new ScheduleDeliveryService(store, settings.delayLevels(), delayOffsets, clock, meters));
        this.timers = settings.isMaster()
                ? opened.add(TimerMessageService.open(
                        settings.storePath().resolve("timer"), settings.timer(), store, clock, meters))
                : null;
        this.lag = new ConsumerLagGauges(meters, topics, offsets, store);
        this.acl = settings.aclFile().isPresent()
                ? AclService.open(settings.aclFile().get(), clock)
                : null;
        this.ha = opened.add(new HaService(settings.role(), store, settings.ha(), masterAddress, clock, signer()));
        ProcessorRegistry registry = guarded(registry(storeHost, stats));
        this.server = opened.add(new RemotingServer(remotingConfig(port), registry, new ChannelCleanup()));
        this.vipServer = port <= 2
                ? null
                : opened.add(
                        new RemotingServer(remotingConfig(port - 2).withIoThreads(1), registry, new ChannelCleanup()));
        this.namesrvClient = opened.add(new RemotingClient(RemotingClientConfig.defaults()));
        String brokerAddr = address();
        this.registrar = new NameServerRegistrar(
                settings,
                brokerAddr,
                () -> settings.advertisedHost() + ":" + haPort,
                NameServerAddresses.of(settings.namesrvAddr()),
                topics,
                namesrvClient,
                executors.scheduler,
                clock,
                meters);
        registrar.brokerPermission(runtimeConfig::brokerPermission);
        registrar.masterAddress(masterAddress);
        topics.addListener(registrar);
        // A slave copies its master's topics, groups and offsets (RocketMQ's SlaveSynchronize, every 10 s).
        this.slaveSync = settings.isMaster()
                ? null
                : new SlaveSynchronizer(
                        masterAddress,
                        brokerAddr,
                        namesrvClient,
                        topics,
                        groups,
                        offsets,
                        delayOffsets::applyFromMaster,
                        signer());
    }

    /**
     * Starts serving, in order: the store's threads, the transaction check-back, the client port (and the VIP
     * channel), the HA channel, registration, the slave's metadata sync, then the periodic tasks. Once only.
     */
    public synchronized void start() throws InterruptedException {
        if (started || closed) {
            throw new IllegalStateException(closed ? "broker closed" : "broker already started");
        }
        store.start();
        transactions.start(meters);
        server.start();
        startVipChannel();
        int boundHa = ha.start(
                settings.host(), haPort, settings.commitLogSegmentSize(), executors.scheduler, namesrvClient, meters);
        if (boundHa > 0) { // a master: the port it listens on, chosen by the kernel for HA port 0
            haPort = boundHa;
        }
        registrar.start();
        if (slaveSync != null) {
            slaveSync.start(settings.slave().syncInterval(), meters);
        }

        if (acl != null) {
            SafeTask.scheduleWithFixedDelay(
                    executors.scheduler, "acl-reload", acl::reloadIfChanged, meters, 1, 1, TimeUnit.SECONDS);
        }
        long persistMillis = settings.offsetPersistInterval().toMillis();
        SafeTask.scheduleWithFixedDelay(
                executors.scheduler,
                "persist-offsets",
                this::persistOffsets,
                meters,
                persistMillis,
                persistMillis,
                TimeUnit.MILLISECONDS);
        if (timers != null) { // a master
            scheduleDelivery.start();
            timers.start();
        }
        SafeTask.scheduleWithFixedDelay(
                executors.scheduler,
                "persist-delay-offsets",
                this::persistDelayOffsets,
                meters,
                DELAY_OFFSET_PERSIST_MILLIS,
                DELAY_OFFSET_PERSIST_MILLIS,
                TimeUnit.MILLISECONDS);
        SafeTask.scheduleWithFixedDelay(
                executors.scheduler,
                "expire-idle-clients",
                this::expireIdleClients,
                meters,
                CLIENT_SCAN_SECONDS,
                CLIENT_SCAN_SECONDS,
                TimeUnit.SECONDS);
        SafeTask.scheduleWithFixedDelay(
                executors.scheduler,
                "consumer-lag",
                lag::refresh,
                meters,
                STATS_SAMPLE_SECONDS,
                STATS_SAMPLE_SECONDS,
                TimeUnit.SECONDS);
        SafeTask.scheduleWithFixedDelay(
                executors.scheduler,
                "stats-sample",
                stats::sample,
                meters,
                STATS_SAMPLE_SECONDS,
                STATS_SAMPLE_SECONDS,
                TimeUnit.SECONDS);
        started = true;
        LOG.info(
                "broker {}/{} id {} ({}, {}) serving on {}, registering as {} with [{}]",
                settings.clusterName(),
                settings.brokerName(),
                settings.brokerId(),
                settings.role(),
                settings.flushMode(),
                port,
                address(),
                settings.namesrvAddr());
    }

    private ProcessorRegistry registry(InetSocketAddress storeHost, BrokerStats stats) {
        ProcessorRegistry registry = new ProcessorRegistry();
        ScheduleRouter delay = new ScheduleRouter(settings.delayLevels());
        TimerRouter timer = new TimerRouter(settings.timer(), clock);
        java.util.function.UnaryOperator<io.rocketkube.store.MessageRecordRequest> schedule =
                r -> timer.apply(delay.apply(r));
        ConsumerFilters filters = new ConsumerFilters(settings.enablePropertyFilter());
        SendMessageProcessor send = SendMessageProcessor.create(
                        settings,
                        runtimeConfig,
                        store,
                        topics,
                        groups,
                        sendGate,
                        stats,
                        storeHost,
                        executors.send,
                        schedule)
                .replicatedBy(ha.syncReplication());
        registry.register(
                new int[] {RequestCode.SEND_MESSAGE, RequestCode.SEND_MESSAGE_V2, RequestCode.SEND_BATCH_MESSAGE},
                writable(send),
                executors.send);
        registry.register(
                RecallMessageProcessor.CODES,
                writable(new RecallMessageProcessor(settings, topics, timer, store, ha.syncReplication(), clock)),
                executors.send);
        registry.register(
                RequestCode.CONSUMER_SEND_MSG_BACK,
                writable(new SendBackProcessor(settings, store, topics, groups, storeHost, schedule)),
                executors.send);
        // A lambda, not server::invokeAsync: the server is built after the registry.
        ClientCaller callClient = (channel, call, timeout) -> server.invokeAsync(channel, call, timeout);
        ReplyPusher replies = new ReplyPusher(producers, callClient, storeHost, clock);
        registry.register(
                ReplyMessageProcessor.CODES,
                writable(new ReplyMessageProcessor(settings, runtimeConfig, store, topics, groups, replies, storeHost)),
                executors.send);
        registry.register(
                new int[] {RequestCode.PULL_MESSAGE, RequestCode.LITE_PULL_MESSAGE},
                readable(new ScheduleTopicGuard(new PullMessageProcessor(
                        settings,
                        store,
                        topics,
                        groups,
                        consumers,
                        offsets,
                        holds,
                        stats,
                        executors.pull,
                        new PullRedirect(
                                settings.brokerId(),
                                runtimeConfig::slaveReadEnable,
                                // Registered at the NameServers and still replicating to us: a master that died is
                                // left at once, not when the NameServers' answers stop naming it (up to 30 s later),
                                // so that its consumers are not sent back to it in a loop meanwhile.
                                () -> masterAddress.masterOnline() && ha.masterConnected()),
                        filters))),
                executors.pull);
        registry.register(
                EndTransactionProcessor.CODES, writable(transactions.endTransactionProcessor()), executors.send);
        // An admin's request, on the admin pool: its one put may wait there for a flush.
        registry.register(
                Transactions.resumeCheckCodes(), writable(transactions.resumeCheckProcessor()), executors.admin);
        registry.register(
                ClientManageProcessor.CODES,
                new ClientManageProcessor(consumers, producers, groups, topics, clock, filters),
                executors.heartbeat);
        registry.register(ClientConfigCheckProcessor.CODES, new ClientConfigCheckProcessor(filters), executors.client);
        registry.register(
                ConsumerOffsetProcessor.CODES, new ConsumerOffsetProcessor(offsets, topics, store), executors.client);
        registry.register(QueueOffsetProcessor.CODES, new QueueOffsetProcessor(store), executors.client);
        registry.register(LockProcessor.CODES, new LockProcessor(clock), executors.client);
        registry.register(TopicAdminProcessor.CODES, new TopicAdminProcessor(topics, offsets, store), executors.admin);
        registry.register(
                SubscriptionGroupAdminProcessor.CODES,
                new SubscriptionGroupAdminProcessor(groups, offsets),
                executors.admin);
        registry.register(
                StatsAdminProcessor.CODES,
                new StatsAdminProcessor(settings.brokerName(), address(), topics, groups, offsets, consumers, store),
                executors.admin);
        registry.register(
                ConsumerCallProcessor.CODES,
                new ConsumerCallProcessor(settings.brokerName(), consumers, store, callClient),
                executors.admin);
        registry.register(
                ConsumerStatusProcessor.CODES, new ConsumerStatusProcessor(consumers, callClient), executors.admin);
        registry.register(
                OffsetResetProcessor.CODES,
                new OffsetResetProcessor(settings.brokerName(), topics, offsets, consumers, store),
                executors.admin);
        registry.register(
                GroupOffsetAdminProcessor.CODES,
                new GroupOffsetAdminProcessor(settings.brokerName(), topics, offsets, consumers, store, clock),
                executors.admin);
        registry.register(
                ConnectionAdminProcessor.CODES,
                new ConnectionAdminProcessor(consumers, producers, offsets),
                executors.admin);
        ScheduleRuntimeInfo scheduleInfo = new ScheduleRuntimeInfo(
                store, delayOffsets, settings.delayLevels().maxLevel());
        TimerRuntimeInfo timerInfo = new TimerRuntimeInfo(() -> timers);
        registry.register(
                BrokerInfoProcessor.CODES,
                new BrokerInfoProcessor(settings, store, stats, executors, clock, scheduleInfo).withExtraInfo(() -> {
                    java.util.Map<String, String> extra = new java.util.TreeMap<>(ha.runtimeInfo());
                    extra.putAll(timerInfo.get());
                    return extra;
                }),
                executors.admin);
        registry.register(BrokerStatsDataProcessor.CODES, new BrokerStatsDataProcessor(stats), executors.admin);
        registry.register(HaStatusProcessor.CODES, new HaStatusProcessor(ha::haStatus), executors.admin);
        registry.register(MessageQueryProcessor.CODES, new MessageQueryProcessor(store), executors.admin);
        registry.register(
                StoreAdminProcessor.CODES,
                new StoreAdminProcessor(store, topics, consumers, settings.brokerId() != 0),
                executors.admin);
        registry.register(OffsetTableProcessor.CODES, new OffsetTableProcessor(offsets), executors.admin);
        registry.register(DelayOffsetProcessor.CODES, new DelayOffsetProcessor(delayOffsets), executors.admin);
        registry.register(
                BrokerConfigProcessor.CODES,
                new BrokerConfigProcessor(settings, runtimeConfig, topics, store, () -> port, this::haPort),
                executors.admin);
        registry.register(
                AclAdminProcessor.CODES,
                new AclAdminProcessor(acl, settings.clusterName(), settings.brokerName(), this::address),
                executors.admin);
        return registry;
    }

    /** Signs this broker's requests to other brokers when the ACL is on (docs/acl.md). */
    private UnaryOperator<RemotingCommand> signer() {
        return acl == null ? UnaryOperator.identity() : acl::signed;
    }

    /** Every processor behind the ACL when it is on (docs/acl.md). */
    private ProcessorRegistry guarded(ProcessorRegistry registry) {
        if (acl == null) {
            return registry;
        }
        Counter refused = Counter.builder("rocketkube.broker.acl.refused")
                .description("requests refused by the access control list")
                .register(meters);
        return registry.guardedBy(processor -> new AclCheckedProcessor(processor, acl, refused));
    }

    /** Sends refused while mqadmin has taken the broker's write permission away. */
    private RequestProcessor writable(RequestProcessor family) {
        return BrokerPermissionCheck.writes(runtimeConfig::brokerPermission, settings.advertisedHost(), family);
    }

    /** Pulls refused while mqadmin has taken the broker's read permission away. */
    private RequestProcessor readable(RequestProcessor family) {
        return BrokerPermissionCheck.reads(runtimeConfig::brokerPermission, settings.advertisedHost(), family);
    }

    /** The static values of what mqadmin may change at runtime ({@link RuntimeConfig}). */
    private static RuntimeConfig.Defaults runtimeDefaults(BrokerSettings settings) {
        return new RuntimeConfig.Defaults(
                PermName.READ_WRITE,
                settings.autoCreateTopic(),
                settings.autoCreateSubscriptionGroup(),
                settings.slave().slaveReadEnable(),
                settings.maxMessageSize(),
                settings.fileReservedHours(),
                DELETE_WHEN_HOUR,
                settings.disk().cleanExpiredPercent());
    }

    private static StoreConfig storeConfig(BrokerSettings settings, Clock clock, InetSocketAddress storeHost) {
        return StoreConfig.builder(settings.storePath().resolve("store"))
                .flushMode(settings.flushMode())
                .commitLogSegmentSize(settings.commitLogSegmentSize())
                .fileReservedHours(settings.fileReservedHours())
                .deleteWhenHour(DELETE_WHEN_HOUR)
                .diskCleanExpiredPercent(settings.disk().cleanExpiredPercent())
                .diskCleanForciblyPercent(settings.disk().cleanForciblyPercent())
                .diskFullPercent(settings.disk().fullPercent())
                .maxMessageSize(settings.maxMessageSize() + RECORD_OVERHEAD)
                .storeHost(storeHost)
                .clock(clock)
                .build();
    }

    /**
     * Apache RocketMQ 4.x brokers also listen on port − 2 (the "VIP channel"), and an Apache slave reads its
     * master's topics, offsets and groups only there (its BrokerOuterAPI always addresses port − 2). Serving
     * the same requests on it lets an Apache slave follow our master. It is a convenience for mixed groups,
     * so a port that cannot be bound is logged, not fatal.
     */
    private void startVipChannel() throws InterruptedException {
        if (vipServer == null) {
            return;
        }
        try {
            vipServer.start();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) { // Netty rethrows the bind failure unchecked-ly
            LOG.warn(
                    "VIP channel port {} not served (Apache slaves of this master cannot sync metadata): {}",
                    port - 2,
                    e.toString());
        }
    }

    private RemotingServerConfig remotingConfig(int listenPort) {
        return RemotingServerConfig.of(settings.host(), listenPort)
                .withIoThreads(settings.ioThreads())
                .withIdleTimeout(settings.clientIdleTimeout())
                .withMaxQueuedRequestBytes(
                        settings.flowLimits().maxQueuedRequestBytes(),
                        settings.flowLimits().maxQueuedRequestBytesPerConnection());
    }

    private static int freePort(String host) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    /** Channel close (including idle close) drops the client from every group at once. */
    private final class ChannelCleanup implements RemotingObserver {
        @Override
        public void channelClosed(Channel channel) {
            consumers.channelClosed(channel);
            producers.channelClosed(channel);
        }
    }

    private void persistOffsets() {
        try {
            offsets.persist();
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot persist consumer offsets", e);
        }
    }

    private void persistDelayOffsets() {
        try {
            delayOffsets.persistIfChanged();
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot persist delay offsets", e);
        }
    }

    private void expireIdleClients() {
        long deadline = clock.millis() - settings.clientIdleTimeout().toMillis();
        consumers.expireIdle(deadline).forEach(Channel::close);
        producers.expireIdle(deadline);
    }

    /** The port clients connect to. */
    public int port() {
        return port;
    }

    public String address() {
        return settings.advertisedHost() + ":" + port;
    }

    /** The HA port this broker listens on (a master, once started) or registers (a slave). */
    public int haPort() {
        return haPort;
    }

    /** The store (tests compare a slave's queues with its master's). */
    public MessageStore store() {
        return store;
    }

    /** Replication: lag, the slaves' acks, the slave's state. */
    public HaService ha() {
        return ha;
    }

    /** Bytes of client requests accepted and not yet answered (bounded by the flow limits). */
    public long queuedRequestBytes() {
        return server.queuedRequestBytes();
    }

    /** Long-poll pulls parked now. */
    public int heldPullCount() {
        return holds.heldCount();
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** Readiness: started (the store recovered) and registered with a NameServer within {@code withinMillis}. */
    public boolean isReady(long withinMillis) {
        if (!started) {
            return false;
        }
        long last = registrar.lastSuccessMillis();
        return last >= 0
                && clock.millis() - last <= withinMillis
                && ha.notReadyReason().isEmpty();
    }

    /**
     * Liveness: the server still listens, the pools are alive and the scheduler runs, and the store answers
     * and reports no dead or stuck critical thread and no latched fatal error.
     */
    public boolean isLive(long timeoutMillis) {
        return notLiveReason(timeoutMillis).isEmpty();
    }

    /** Why the broker is not live ({@link #isLive}); empty when it is. */
    public Optional<String> notLiveReason(long timeoutMillis) {
        if (!started) {
            return Optional.of("not started");
        }
        if (!server.isListening()) {
            return Optional.of("remoting server not listening");
        }
        if (!executors.respond(timeoutMillis)) {
            return Optional.of("broker pools shut down or scheduler not responding within " + timeoutMillis + " ms");
        }
        store.stats();
        // A store whose sync failed cannot make writes durable again; only a restart (and recovery) helps.
        return store.health().notLiveReason(clock.millis(), STORE_STUCK_MILLIS);
    }

    /** Why the store can no longer make writes durable (a failed sync), for the liveness check; empty if healthy. */
    public Optional<String> storeFatalReason() {
        return store.health().fatalReason();
    }

    public boolean isStarted() {
        return started;
    }

    public long lastRegistrationMillis() {
        return registrar.lastSuccessMillis();
    }

    /** Registers with the NameServers now (tests use it instead of waiting for the periodic round). */
    public void registerNow() {
        registrar.registerNow();
    }

    /**
     * Graceful shutdown: refuse new sends, wait for accepted ones, flush, unregister, answer held pulls,
     * close connections, persist offsets, close the store. Idempotent; a broker opened and never started, or
     * whose start failed part way, closes the same way (each step is a no-op for what never ran), except that
     * it does not unregister (the NameServers drop it when its connection to them closes).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        boolean wasStarted = started;
        started = false;
        // First, so no delayed message is put back while the store is drained and closed.
        scheduleDelivery.close();
        if (timers != null) {
            timers.close();
        }
        long graceMillis = settings.shutdownGrace().toMillis();
        try {
            if (!sendGate.closeAndDrain(graceMillis)) {
                LOG.warn("{} sends still in flight after {} ms", sendGate.inFlight(), graceMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transactions.close();
        try {
            store.flush();
        } catch (RuntimeException e) {
            // A store that failed a sync cannot flush; shut the rest down anyway (recovery runs at the next start).
            LOG.error("store flush at shutdown failed", e);
        }
        if (slaveSync != null) {
            slaveSync.close();
        }
        if (wasStarted) {
            registrar.close(); // unregisters
        }
        ha.close();
        holds.close();
        server.stop(java.time.Duration.ofMillis(Math.min(graceMillis, 2000)));
        if (vipServer != null) {
            vipServer.stop(java.time.Duration.ofMillis(Math.min(graceMillis, 2000)));
        }
        namesrvClient.close();
        executors.close();
        persistOffsets();
        persistDelayOffsets();
        store.close();
        LOG.info("broker {} stopped", settings.brokerName());
    }
}
