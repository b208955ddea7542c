package io.rocketkube.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.settings.SlaveSettings;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.reconcile.BacklogReader;
import io.rocketkube.operator.reconcile.DrainJudge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A draining group whose master is gone (issue 19): the backlog is read from the real slave,
 * whose queues it replicated and whose consumer offsets it synced from the master, and gives the
 * numbers the master gave while it was up, instead of "unknown".
 */
@Timeout(90)
class RealSlaveBacklogTest {
    static final String GROUP = "broker-a";
    static final String TOPIC = "T_DRAIN";
    static final String CONSUMER_GROUP = "CG_DRAIN";

    @TempDir
    Path dir;

    LoopbackGroup group;
    RemotingClient remoting;

    @BeforeEach
    void start() throws Exception {
        // Metadata synced every second rather than RocketMQ's 10 s, to keep the test short.
        group = LoopbackGroup.start(
                dir,
                slave -> slave.withSlave(new SlaveSettings(Optional.empty(), false, Duration.ofSeconds(1))),
                Duration.ofSeconds(3),
                "PG_DRAIN");
        remoting = new RemotingClient(RemotingClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        if (remoting != null) {
            remoting.close();
        }
        group.close();
    }

    @Test
    void withTheMasterGoneTheBacklogIsReadFromTheSlaveWithTheMastersNumbers() throws Exception {
        for (int i = 0; i < 24; i++) {
            assertThat(group.producer
                            .send(new Message(TOPIC, ("m-" + i).getBytes(StandardCharsets.UTF_8)))
                            .getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        }
        // A send is acknowledged once stored; its ConsumeQueue entry follows from the dispatcher a moment later.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> group.masterStore.get().queueIds(TOPIC).stream()
                                .mapToLong(q -> group.masterStore.get().maxOffset(TOPIC, q))
                                .sum()
                        == 24);
        GroupEndpoints endpoints = new GroupEndpoints(GROUP, group.master.address(), List.of(group.slave.address()));
        BacklogReader.Reading atMaster = BacklogReader.read(group.admin, endpoints);
        assertThat(atMaster.fromSlave()).isFalse();
        // The consumer group has consumed everything but queue 0's messages.
        Map<Integer, io.rocketkube.operator.admin.TopicBacklog.QueueRange> queues = atMaster.topics().stream()
                .filter(t -> t.topic().equals(TOPIC))
                .findFirst()
                .orElseThrow()
                .queues();
        queues.forEach((queue, range) -> commit(queue, queue == 0 ? range.min() : range.max()));
        long expected = queues.get(0).stored();
        assertThat(expected).isPositive();
        DrainJudge.Verdict fromMaster =
                DrainJudge.judge(BacklogReader.read(group.admin, endpoints).topics());
        assertThat(fromMaster.unconsumed()).containsExactly(Map.entry(TOPIC, expected));

        // The slave holds the master's CommitLog and has synced its consumer offsets.
        long end = group.masterStore.get().maxPhysicalOffset();
        GroupEndpoints slaveOnly = new GroupEndpoints(GROUP, group.slave.address(), List.of());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(group.slaveStore.get().maxPhysicalOffset()).isGreaterThanOrEqualTo(end);
            assertThat(DrainJudge.judge(group.admin.backlog(slaveOnly)).unconsumed())
                    .isEqualTo(fromMaster.unconsumed());
        });

        String masterAddress = group.master.address();
        group.stopMaster();
        assertThatThrownBy(() -> group.admin.backlog(endpoints)).isInstanceOf(BrokerAdminException.class);
        BacklogReader.Reading atSlave = BacklogReader.read(group.admin, endpoints);
        assertThat(atSlave.fromSlave()).isTrue();
        assertThat(atSlave.source()).isEqualTo(group.slave.address());
        assertThat(atSlave.masterFailure()).contains(masterAddress);
        DrainJudge.Verdict fromSlave = DrainJudge.judge(atSlave.topics());
        assertThat(fromSlave.unconsumed()).isEqualTo(fromMaster.unconsumed());
        assertThat(fromSlave.unread()).isEqualTo(fromMaster.unread());
        assertThat(fromSlave.reason()).isEqualTo(fromMaster.reason());

        // Neither answers: unknown, with both failures.
        String slaveAddress = group.slave.address();
        group.stopSlave();
        assertThatThrownBy(() -> BacklogReader.read(group.admin, endpoints))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining(masterAddress)
                .hasMessageContaining(slaveAddress);
    }

    /** UPDATE_CONSUMER_OFFSET at the master, as a consumer sends it. */
    private void commit(int queue, long offset) {
        try {
            RemotingCommand response = remoting.invokeSync(
                    group.master.address(),
                    RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                            .withExtField("consumerGroup", CONSUMER_GROUP)
                            .withExtField("topic", TOPIC)
                            .withExtField("queueId", Integer.toString(queue))
                            .withExtField("commitOffset", Long.toString(offset)),
                    5000);
            assertThat(response.code()).as("%s", response.remark()).isEqualTo(ResponseCode.SUCCESS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
