package io.rocketkube.broker.it;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.awaitility.Awaitility;

/**
 * Our NameServer, a master (broker-a, id 0) and its slave (broker-a, id 1), in-process on loopback, each on its
 * own store. The slave replicates over the HA channel; {@link #replicate()} waits until it holds everything
 * the master had when called. Either broker can be stopped and started again on its store and port.
 */
final class MasterSlave implements AutoCloseable {
    static final String HOST = Cluster.HOST;

    static {
        Cluster.clientProperties();
    }

    private final NameServer nameServer;
    private final Path dir;
    private final UnaryOperator<BrokerSettings> customise;
    private final Duration slaveSync;
    private final AtomicReference<MessageStore> masterStore = new AtomicReference<>();
    private final AtomicReference<MessageStore> slaveStore = new AtomicReference<>();
    private Broker master;
    private Broker slave;
    private int masterPort;
    private int slavePort;

    MasterSlave(Path dir) throws Exception {
        this(dir, UnaryOperator.identity());
    }

    /** {@code customise} applies to both brokers (before the slave's role is set). */
    MasterSlave(Path dir, UnaryOperator<BrokerSettings> customise) throws Exception {
        this(dir, customise, Duration.ofMillis(300));
    }

    /** @param slaveSync how often the slave copies the master's topics, groups and offsets */
    MasterSlave(Path dir, UnaryOperator<BrokerSettings> customise, Duration slaveSync) throws Exception {
        this.dir = dir;
        this.customise = customise;
        this.slaveSync = slaveSync;
        nameServer = new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        startMaster();
        startSlave();
    }

    void startMaster() throws Exception {
        BrokerSettings settings = customise
                .apply(BrokerSettings.forTest(HOST, dir.resolve("master"), nameServer.address()))
                .withPort(masterPort);
        master = start(settings, masterStore);
        masterPort = master.port();
    }

    void startSlave() throws Exception {
        BrokerSettings base = customise.apply(BrokerSettings.forTest(HOST, dir.resolve("slave"), nameServer.address()));
        BrokerSettings settings =
                base.asSlave(1, 0).withPort(slavePort).withSlave(base.slave().withSyncInterval(slaveSync));
        slave = start(settings, slaveStore);
        slavePort = slave.port();
    }

    private static Broker start(BrokerSettings settings, AtomicReference<MessageStore> storeRef) throws Exception {
        Broker broker = Broker.open(
                settings,
                Clock.systemUTC(),
                config -> {
                    MessageStore store = DefaultMessageStore.open(config);
                    storeRef.set(store);
                    return store;
                },
                new SimpleMeterRegistry());
        broker.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> broker.lastRegistrationMillis() >= 0);
        return broker;
    }

    /** Clean shutdown of the master (it unregisters: routes keep only the slave). */
    void stopMaster() {
        master.close();
        master = null;
    }

    void stopSlave() {
        slave.close();
        slave = null;
    }

    /** Waits until the slave holds every CommitLog byte the master holds now; returns the slave's end. */
    long replicate() {
        MessageStore from = masterStore.get();
        MessageStore to = slaveStore.get();
        long target = from.maxPhysicalOffset();
        org.awaitility.Awaitility.await("slave replicated to " + target)
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> to.maxPhysicalOffset() >= target);
        return to.maxPhysicalOffset();
    }

    MessageStore masterStore() {
        return masterStore.get();
    }

    MessageStore slaveStore() {
        return slaveStore.get();
    }

    Broker master() {
        return master;
    }

    Broker slave() {
        return slave;
    }

    String masterAddr() {
        return HOST + ":" + masterPort;
    }

    String slaveAddr() {
        return HOST + ":" + slavePort;
    }

    String namesrvAddr() {
        return nameServer.address();
    }

    @Override
    public void close() {
        if (slave != null) {
            slave.close();
        }
        if (master != null) {
            master.close();
        }
        nameServer.close();
    }
}
