package io.rocketkube.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.config.OperatorSettings;
import io.rocketkube.operator.reconcile.GroupState;
import io.rocketkube.operator.reconcile.PodState;
import io.rocketkube.operator.reconcile.RollPlanner;
import io.rocketkube.operator.reconcile.RollStep;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
    static final String HOST = LoopbackGroup.HOST;
    static final String GROUP = "c-broker-0";

    @TempDir
    Path dir;

    LoopbackGroup group;

    @BeforeEach
    void start() throws Exception {
        group = LoopbackGroup.start(
                dir,
                slave -> slave.withHa(HaSettings.defaults().withMasterHaAddress(HOST + ":1")),
                Duration.ofSeconds(5),
                "PG_LAG");
    }

    @AfterEach
    void stop() {
        group.close();
    }

    /** Restarts the slave on its store with the master's HA address from the NameServers, and waits for it. */
    private void replicate() throws Exception {
        group.restartSlave();
        long target = group.masterStore.get().maxPhysicalOffset();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> group.slaveStore.get().maxPhysicalOffset() >= target);
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
            assertThat(group.producer.send(new Message("T_LAG", body)).getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        }
        GroupEndpoints endpoints = new GroupEndpoints(GROUP, group.master.address(), List.of(group.slave.address()));
        long limit = OperatorSettings.defaults().maxReplicationLagBytes();

        Map<String, Long> behind = group.admin.replicationLagBytes(endpoints);
        assertThat(behind.get(group.slave.address()))
                .isGreaterThan(5L * 1024 * 1024)
                .isGreaterThan(limit);
        RollStep held = RollPlanner.next(List.of(group(behind.get(group.slave.address()))), true, limit);
        assertThat(held).isInstanceOf(RollStep.Wait.class);
        assertThat(held.toString()).contains("catch up");

        replicate();
        Map<String, Long> caughtUp = group.admin.replicationLagBytes(endpoints);
        assertThat(caughtUp).containsEntry(group.slave.address(), 0L);
        RollStep go = RollPlanner.next(List.of(group(caughtUp.get(group.slave.address()))), true, limit);
        assertThat(go).isInstanceOf(RollStep.Restart.class);
        assertThat(((RollStep.Restart) go).pod()).isEqualTo(GROUP + "-0");
    }
}
