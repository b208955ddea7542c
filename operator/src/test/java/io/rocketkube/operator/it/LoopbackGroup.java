package io.rocketkube.operator.it;

import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.operator.admin.RemotingBrokerAdmin;
import io.rocketkube.store.MessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.rocketmq.client.producer.DefaultMQProducer;

/**
 * One group on loopback as the real-broker admin tests need it: a NameServer, a master and its slave
 * (brokerId 1) registered with it, our admin, and Apache's producer started against the NameServer. A test
 * may stop either broker on purpose or restart the slave; {@link #close} stops whatever still runs.
 */
final class LoopbackGroup implements AutoCloseable {
    static final String HOST = "127.0.0.1";

    private final Path dir;
    final AtomicReference<MessageStore> masterStore = new AtomicReference<>();
    final AtomicReference<MessageStore> slaveStore = new AtomicReference<>();
    NameServer nameServer;
    Broker master;
    Broker slave;
    RemotingBrokerAdmin admin;
    DefaultMQProducer producer;

    static {
        LoopbackBrokers.quietApacheClient();
    }

    private LoopbackGroup(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts the group under {@code dir}; {@code slaveExtras} adds to the slave's test settings (they apply to
     * its first start only), {@code adminTimeout} bounds each admin call.
     */
    static LoopbackGroup start(
            Path dir, UnaryOperator<BrokerSettings> slaveExtras, Duration adminTimeout, String producerGroup)
            throws Exception {
        LoopbackGroup group = new LoopbackGroup(dir);
        try {
            group.nameServer =
                    new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
            group.nameServer.start();
            group.master = LoopbackBrokers.start(
                    BrokerSettings.forTest(HOST, dir.resolve("master"), group.nameServer.address()), group.masterStore);
            group.slave = LoopbackBrokers.start(slaveExtras.apply(group.slaveSettings()), group.slaveStore);
            group.admin = new RemotingBrokerAdmin(new RemotingClient(RemotingClientConfig.defaults()), adminTimeout);
            group.producer = new DefaultMQProducer(producerGroup);
            group.producer.setNamesrvAddr(group.nameServer.address());
            group.producer.setInstanceName(producerGroup + "-producer");
            group.producer.start();
            return group;
        } catch (Exception | Error e) {
            group.close();
            throw e;
        }
    }

    /** Restarts the slave on its store and port with the plain slave settings, without the extras. */
    void restartSlave() throws Exception {
        int port = slave.port();
        slave.close();
        slave = LoopbackBrokers.start(slaveSettings().withPort(port), slaveStore);
    }

    void stopMaster() {
        master.close();
        master = null;
    }

    void stopSlave() {
        slave.close();
        slave = null;
    }

    private BrokerSettings slaveSettings() {
        return BrokerSettings.forTest(HOST, dir.resolve("slave"), nameServer.address())
                .asSlave(1, 0);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.close();
        }
        if (slave != null) {
            slave.close();
        }
        if (master != null) {
            master.close();
        }
        if (nameServer != null) {
            nameServer.close();
        }
    }
}
