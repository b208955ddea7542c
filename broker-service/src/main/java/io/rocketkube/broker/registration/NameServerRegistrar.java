package io.rocketkube.broker.registration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.util.SafeTask;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.RegisterBrokerBody;
import io.rocketkube.client.protocol.RegisterBrokerBodyCodec;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.util.MaskedCrc32;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker registered with every NameServer (docs/protocol.md §5.1): a full REGISTER_BROKER
 * round every {@code registerInterval} to every currently resolved target, another at once after any topic
 * change (coalesced: changes during a round trigger exactly one more), and UNREGISTER_BROKER at shutdown.
 *
 * <p>Until a first NameServer has acknowledged a registration, a round that reached none (the NameServer
 * name does not resolve yet, as a headless Service's does not before its pods are ready, or every target
 * refused) is retried after 1 s, doubling up to {@code registerInterval}: the broker is not ready before
 * that acknowledgement, so waiting a whole interval would keep it out of service that long for nothing.
 * A slave retries the same way while no answer has named its master yet: the answer is where it learns
 * the master's address, and a slave that registered a moment before its master would otherwise start
 * replicating one whole interval late (a new cluster's slaves all do).
 *
 * <p>Thread-safe. Rounds run on the shared scheduler; the RPCs are asynchronous.
 */
public final class NameServerRegistrar implements TopicConfigManager.ChangeListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NameServerRegistrar.class);
    private static final long RPC_TIMEOUT_MILLIS = 3000;

    private final BrokerSettings settings;
    private final String brokerAddr;
    /** Read at every round: a master given HA port 0 knows its port only once the HA listener is bound. */
    private final Supplier<String> haServerAddr;

    private final NameServerAddresses addresses;
    private final TopicConfigManager topics;
    private final RemotingClient client;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private static final long FIRST_RETRY_MILLIS = 1000;

    private final AtomicBoolean roundPending = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private volatile long nextRetryMillis = FIRST_RETRY_MILLIS;
    private volatile long lastSuccessMillis = -1;
    private volatile Set<String> lastTargets = Set.of();
    private volatile boolean closed;
    private final SafeTask periodic;
    private final SafeTask round;
    private volatile IntSupplier brokerPermission = () -> PermName.READ_WRITE;
    private volatile MasterAddress masterAddress = MasterAddress.unconfigured();

    public NameServerRegistrar(
            BrokerSettings settings,
            String brokerAddr,
            Supplier<String> haServerAddr,
            NameServerAddresses addresses,
            TopicConfigManager topics,
            RemotingClient client,
            ScheduledExecutorService scheduler,
            Clock clock) {
        this(
                settings,
                brokerAddr,
                haServerAddr,
                addresses,
                topics,
                client,
                scheduler,
                clock,
                new SimpleMeterRegistry());
    }

    /** @param meters where failed rounds are counted ({@link SafeTask}) */
    public NameServerRegistrar(
            BrokerSettings settings,
            String brokerAddr,
            Supplier<String> haServerAddr,
            NameServerAddresses addresses,
            TopicConfigManager topics,
            RemotingClient client,
            ScheduledExecutorService scheduler,
            Clock clock,
            MeterRegistry meters) {
        // Both wrapped: a throwing periodic task is cancelled by the scheduler, and a throwing round
        // submitted with execute() would vanish into its future unlogged.
        this.periodic = new SafeTask("register-broker", this::registerNow, meters);
        this.round = new SafeTask("register-broker-round", this::round, meters);
        this.settings = settings;
        this.brokerAddr = brokerAddr;
        this.haServerAddr = haServerAddr;
        this.addresses = addresses;
        this.topics = topics;
        this.client = client;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Where the broker permission (mqadmin updateBrokerConfig brokerPermission) is read at every round; read
     * and write by default. Call {@link #registerNow()} after it changes, with a new topic data version.
     */
    public void brokerPermission(IntSupplier permission) {
        this.brokerPermission = permission;
    }

    /** Where each successful answer's masterAddr and haServerAddr are recorded (a slave's way to its master). */
    public void masterAddress(MasterAddress target) {
        this.masterAddress = target;
    }

    public void start() {
        long period = settings.registerInterval().toMillis();
        scheduler.scheduleWithFixedDelay(periodic, 0, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void topicsChanged() {
        registerNow();
    }

    /** Schedules a round now unless one is already waiting to run. */
    public void registerNow() {
        if (!closed && roundPending.compareAndSet(false, true)) {
            scheduler.execute(round);
        }
    }

    /** When the last REGISTER_BROKER was acknowledged by any NameServer; -1 if never. */
    public long lastSuccessMillis() {
        return lastSuccessMillis;
    }

    public Set<String> lastTargets() {
        return lastTargets;
    }

    private void round() {
        roundPending.set(false);
        if (closed) {
            return;
        }
        Set<String> targets = addresses.resolve();
        lastTargets = Set.copyOf(targets);
        if (targets.isEmpty()) {
            retryUntilSettled();
            return;
        }
        byte[] body = RegisterBrokerBodyCodec.encode(new RegisterBrokerBody(registeredTopics(), List.of()), false);
        for (String target : targets) {
            RemotingCommand request = RemotingCommand.request(RequestCode.REGISTER_BROKER)
                    .withExtField("brokerName", settings.brokerName())
                    .withExtField("brokerAddr", brokerAddr)
                    .withExtField("clusterName", settings.clusterName())
                    .withExtField("haServerAddr", haServerAddr.get())
                    .withExtField("brokerId", settings.brokerId())
                    .withExtField("compressed", false)
                    .withExtField("bodyCrc32", MaskedCrc32.of(body))
                    .withBody(body);
            client.invokeAsync(target, request, RPC_TIMEOUT_MILLIS).whenComplete((response, failure) -> {
                if (failure != null) {
                    LOG.warn("register with NameServer {} failed: {}", target, failure.toString());
                    retryUntilSettled();
                } else if (response.code() != ResponseCode.SUCCESS) {
                    LOG.warn("NameServer {} refused registration: {} {}", target, response.code(), response.remark());
                    retryUntilSettled();
                } else {
                    lastSuccessMillis = clock.millis();
                    masterAddress.learned(response.extField("masterAddr"), response.extField("haServerAddr"));
                    retryUntilSettled();
                }
            });
        }
    }

    /**
     * Schedules one more round soon, with a doubling delay, until the broker is settled: a NameServer has
     * acknowledged it and, for a slave, an answer has named its master.
     */
    private void retryUntilSettled() {
        if (closed || settled() || !retryScheduled.compareAndSet(false, true)) {
            return;
        }
        long delay = nextRetryMillis;
        nextRetryMillis = Math.min(delay * 2, settings.registerInterval().toMillis());
        scheduler.schedule(
                () -> {
                    retryScheduled.set(false);
                    if (!settled()) {
                        registerNow();
                    }
                },
                delay,
                TimeUnit.MILLISECONDS);
    }

    private boolean settled() {
        return lastSuccessMillis >= 0
                && (settings.brokerId() == 0 || masterAddress.master().isPresent());
    }

    /**
     * The topic table as registered: a slave announces its topics read-only, like the reference; a broker
     * whose permission lacks read or write announces each topic's perm ANDed with it, so that routes lose
     * what the broker refuses (the reference's registerBrokerAll does the same).
     */
    private TopicConfigSerializeWrapper registeredTopics() {
        TopicConfigSerializeWrapper snapshot = topics.snapshot();
        int permission = brokerPermission.getAsInt();
        boolean restricted = !PermName.isReadable(permission) || !PermName.isWriteable(permission);
        if (settings.isMaster() && !restricted) {
            return snapshot;
        }
        Map<String, TopicConfig> announced = new TreeMap<>();
        snapshot.topicConfigTable()
                .forEach((name, config) -> announced.put(
                        name,
                        settings.isMaster()
                                ? config.withPerm(config.perm() & permission)
                                : config.withPerm(PermName.PERM_READ & permission)));
        return new TopicConfigSerializeWrapper(announced, snapshot.dataVersion());
    }

    /** Stops re-registering and unregisters from every target, waiting briefly for the answers. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<RemotingCommand>> pending = new ArrayList<>();
        for (String target : addresses.resolve()) {
            RemotingCommand request = RemotingCommand.request(RequestCode.UNREGISTER_BROKER)
                    .withExtField("brokerName", settings.brokerName())
                    .withExtField("brokerAddr", brokerAddr)
                    .withExtField("clusterName", settings.clusterName())
                    .withExtField("brokerId", settings.brokerId());
            pending.add(client.invokeAsync(target, request, RPC_TIMEOUT_MILLIS));
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(RPC_TIMEOUT_MILLIS + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("unregistering from NameServers did not complete: {}", e.toString());
        }
    }
}
