package io.rocketkube.namesrv;

import io.rocketkube.client.remoting.ProcessorRegistry;
import io.rocketkube.client.remoting.RemotingObserver;
import io.rocketkube.client.remoting.RemotingServer;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.namesrv.kv.KvConfigStore;
import io.rocketkube.namesrv.kv.KvSeed;
import io.rocketkube.namesrv.processor.BrokerRegistrationProcessor;
import io.rocketkube.namesrv.processor.KvConfigProcessor;
import io.rocketkube.namesrv.processor.NamesrvConfigProcessor;
import io.rocketkube.namesrv.processor.RouteQueryProcessor;
import io.rocketkube.namesrv.processor.RuntimeOptions;
import io.rocketkube.namesrv.processor.TopicAdminProcessor;
import io.rocketkube.namesrv.route.ExpiredBroker;
import io.rocketkube.namesrv.route.RouteTable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The NameServer's composition root: wires the route table, KV config, processors, the remoting server and
 * the expiry scan, and owns their threads from {@link #start()} to {@link #close()}. It does nothing else,
 * so it runs the same under Quarkus and in a plain test.
 */
public final class NameServer implements AutoCloseable {
    /** Requests queued beyond this are refused with SYSTEM_BUSY rather than piling up without bound. */
    private static final int PROCESSOR_QUEUE_CAPACITY = 10_000;

    private final NameServerSettings settings;
    private final RouteTable routes;
    private final KvConfigStore kvConfig;
    private final RuntimeOptions options;
    private final BrokerHousekeeping housekeeping;
    private final ExecutorService processorExecutor;
    private final ScheduledExecutorService scanner;
    private final RemotingServer server;

    public NameServer(NameServerSettings settings, Clock clock) {
        this(settings, clock, RemotingObserver.NONE);
    }

    public NameServer(NameServerSettings settings, Clock clock, RemotingObserver observer) {
        this.settings = settings;
        this.routes = new RouteTable(clock::millis);
        this.kvConfig = new KvConfigStore(settings.dataDir());
        this.options = new RuntimeOptions(settings.dataDir(), settings.orderMessageEnable(), settings.brokerExpiry());
        this.housekeeping = new BrokerHousekeeping(routes, options, observer);
        this.processorExecutor = new ThreadPoolExecutor(
                settings.processorThreads(),
                settings.processorThreads(),
                60,
                TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(PROCESSOR_QUEUE_CAPACITY),
                DaemonThreads.numbered("namesrv-processor"));
        this.scanner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.numbered("namesrv-expiry"));
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(
                        BrokerRegistrationProcessor.CODES,
                        new BrokerRegistrationProcessor(routes, kvConfig),
                        processorExecutor)
                .register(
                        RouteQueryProcessor.CODES,
                        new RouteQueryProcessor(routes, kvConfig, options),
                        processorExecutor)
                .register(KvConfigProcessor.CODES, new KvConfigProcessor(kvConfig), processorExecutor)
                .register(TopicAdminProcessor.CODES, new TopicAdminProcessor(routes), processorExecutor)
                .register(
                        NamesrvConfigProcessor.CODES,
                        new NamesrvConfigProcessor(
                                settings.remoting().host(),
                                settings.remoting().port(),
                                settings.dataDir(),
                                settings.scanInterval(),
                                options),
                        processorExecutor);
        this.server = new RemotingServer(settings.remoting(), registry, housekeeping);
    }

    /**
     * Loads KV config, puts the declared seed over it, binds the port and schedules the expiry scan; returns
     * once the port accepts. A malformed seed fails here, before anything is applied or served.
     */
    public void start() throws IOException, InterruptedException {
        kvConfig.load();
        options.load();
        if (settings.kvSeedFile().isPresent()) {
            kvConfig.putAll(KvSeed.read(settings.kvSeedFile().get()));
        }
        server.start();
        long scanMillis = settings.scanInterval().toMillis();
        scanner.scheduleAtFixedRate(this::scanSafely, scanMillis, scanMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs one expiry pass now; the scheduled scan calls the same. */
    public List<ExpiredBroker> scanExpiredBrokers() {
        return housekeeping.scan();
    }

    private void scanSafely() {
        try {
            housekeeping.scan();
        } catch (RuntimeException e) {
            // A failed pass must not cancel the schedule: the next one retries.
            org.slf4j.LoggerFactory.getLogger(NameServer.class).error("broker expiry scan failed", e);
        }
    }

    public int port() {
        return server.localAddress().getPort();
    }

    public String address() {
        return server.localAddress().getHostString() + ":" + port();
    }

    public boolean isServing() {
        return server.isListening();
    }

    public RouteTable routes() {
        return routes;
    }

    public int connectionCount() {
        return server.connectionCount();
    }

    @Override
    public void close() {
        scanner.shutdownNow();
        server.stop(Duration.ofSeconds(2));
        processorExecutor.shutdown();
        try {
            processorExecutor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
