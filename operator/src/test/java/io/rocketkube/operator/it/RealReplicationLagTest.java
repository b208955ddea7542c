package io.rocketkube.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.admin.RemotingBrokerAdmin;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.reconcile.GroupState;
import io.rocketkube.operator.reconcile.PodState;
import io.rocketkube.operator.reconcile.RollPlanner;
import io.rocketkube.operator.reconcile.RollStep;
import io.rocketkube.store.MessageStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roll gate against a real master and a real slave of one group (issue 18): the admin reads the lag from
 * the keys our brokers serve (GET_BROKER_RUNTIME_INFO's {@code commitLogMaxOffset}, the slave's being the end
 * of what it replicated), the planner holds the master's restart while its slave trails it by more than
 * 4 MiB, and lets it go once the slave holds the master's whole CommitLog. The slave first runs pointed at an
 * HA address where nothing listens, so the lag is real and stays; restarted on the same store with the HA
 * address the NameServers answer, it catches up over the HA channel.
 */
@Timeout(90)
class RealReplicationLagTest {
    static final String HOST = "127.0.0.1";
    static final String GROUP = "c-broker-0";

    static {
        LoopbackBrokers.quietApacheClient();
    }

    @TempDir
    Path dir;

    NameServer nameServer;
    Broker master;
    Broker slave;
    final AtomicReference<MessageStore> masterStore = new AtomicReference<>();
    final AtomicReference<MessageStore> slaveStore = new AtomicReference<>();
    RemotingBrokerAdmin admin;
    DefaultMQProducer producer;

    @BeforeEach
    void start() throws Exception {
        nameServer = new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        BrokerSettings base = BrokerSettings.forTest(HOST, dir.resolve("master"), nameServer.address());
        master = LoopbackBrokers.start(base, masterStore);
        slave = LoopbackBrokers.start(
                slaveSettings().withHa(HaSettings.defaults().withMasterHaAddress(HOST + ":1")), slaveStore);
        admin = new RemotingBrokerAdmin(new RemotingClient(RemotingClientConfig.defaults()), Duration.ofSeconds(5));
        producer = new DefaultMQProducer("PG_LAG");
        producer.setNamesrvAddr(nameServer.address());
        producer.setInstanceName("real-lag-producer");
        producer.start();
    }

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.close();
        }
        slave.close();
        master.close();
        nameServer.close();
    }

    private BrokerSettings slaveSettings() {
        return BrokerSettings.forTest(HOST, dir.resolve("slave"), nameServer.address())
                .asSlave(1, 0);
    }

    /** Restarts the slave on its store with the master's HA address from the NameServers, and waits for it. */
    private void replicate() throws Exception {
        int port = slave.port();
        slave.close();
        slave = LoopbackBrokers.start(slaveSettings().withPort(port), slaveStore);
        long target = masterStore.get().maxPhysicalOffset();
        await().atMost(Duration.ofSeconds(30)).until(() -> slaveStore.get().maxPhysicalOffset() >= target);
    }

    private GroupState group(Long lag) {
        // The slave already runs the new configuration, the master does not: the master's turn.
        return new GroupState(
                0,
                GROUP,
                "new",
                2,
                List.of(
                        new PodState(GROUP + "-0", 0, "old", true, HOST),
                        new PodState(GROUP + "-1", 1, "new", true, HOST)),
                true,
                lag);
    }

    @Test
    void theMastersRestartWaitsUntilTheRealSlaveHoldsItsWholeCommitLog() throws Exception {
        Random random = new Random(18);
        for (int i = 0; i < 5; i++) {
            byte[] body = new byte[1024 * 1024];
            random.nextBytes(body);
            assertThat(producer.send(new Message("T_LAG", body)).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        }
        GroupEndpoints endpoints = new GroupEndpoints(GROUP, master.address(), List.of(slave.address()));
        long limit = OperatorSettings.defaults().maxReplicationLagBytes();

        Map<String, Long> behind = admin.replicationLagBytes(endpoints);
        assertThat(behind.get(slave.address())).isGreaterThan(5L * 1024 * 1024).isGreaterThan(limit);
        RollStep held = RollPlanner.next(List.of(group(behind.get(slave.address()))), true, limit);
        assertThat(held).isInstanceOf(RollStep.Wait.class);
        assertThat(held.toString()).contains("catch up");

        replicate();
        Map<String, Long> caughtUp = admin.replicationLagBytes(endpoints);
        assertThat(caughtUp).containsEntry(slave.address(), 0L);
        RollStep go = RollPlanner.next(List.of(group(caughtUp.get(slave.address()))), true, limit);
        assertThat(go).isInstanceOf(RollStep.Restart.class);
        assertThat(((RollStep.Restart) go).pod()).isEqualTo(GROUP + "-0");
    }
}
