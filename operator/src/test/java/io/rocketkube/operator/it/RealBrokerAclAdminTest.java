package io.rocketkube.operator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.Broker;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.namesrv.NameServer;
import io.rocketkube.namesrv.NameServerSettings;
import io.rocketkube.operator.admin.AdminCredentials;
import io.rocketkube.operator.admin.BrokerAdminException;
import io.rocketkube.operator.admin.BrokerCredentials;
import io.rocketkube.operator.admin.GroupEndpoints;
import io.rocketkube.operator.admin.RemotingBrokerAdmin;
import io.rocketkube.operator.admin.TopicBacklog;
import io.rocketkube.store.MessageStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's admin against a real master and slave with the ACL on: unsigned it is refused with the
 * broker's reason; with the admin account {@link AdminCredentials} takes from the same file, the calls a roll
 * and a scale-in make of a broker (replication lag, backlog, write stop and restore) all pass.
 */
@Timeout(120)
class RealBrokerAclAdminTest {
    private static final String HOST = "127.0.0.1";
    /** The broker name {@link BrokerSettings#forTest} gives. */
    private static final String GROUP = "broker-a";

    private static final String ACL = """
            accounts:
              - accessKey: rkUser0001
                secretKey: userSecret01
                defaultTopicPerm: PUB|SUB
                defaultGroupPerm: SUB
              - accessKey: rkOperator1
                secretKey: operatorSecret1
                admin: true
            """;

    static {
        LoopbackBrokers.quietApacheClient();
    }

    @TempDir
    Path dir;

    private NameServer nameServer;
    private Broker master;
    private Broker slave;
    private RemotingBrokerAdmin admin;
    private DefaultMQProducer producer;

    @AfterEach
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {slave, master, nameServer}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void unsignedAdminIsRefusedAndTheFilesAdminAccountPassesEveryCallARollAndADrainMake() throws Exception {
        Path acl = Files.writeString(dir.resolve("plain_acl.yml"), ACL);
        nameServer = new NameServer(NameServerSettings.forTest(HOST, dir.resolve("namesrv")), Clock.systemUTC());
        nameServer.start();
        master = LoopbackBrokers.start(
                BrokerSettings.forTest(HOST, dir.resolve("master"), nameServer.address())
                        .withAclFile(acl),
                new AtomicReference<MessageStore>());
        slave = LoopbackBrokers.start(
                BrokerSettings.forTest(HOST, dir.resolve("slave"), nameServer.address())
                        .asSlave(1, 0)
                        .withAclFile(acl),
                new AtomicReference<MessageStore>());
        BrokerCredentials credentials = new BrokerCredentials();
        admin = new RemotingBrokerAdmin(
                new RemotingClient(RemotingClientConfig.defaults()), Duration.ofSeconds(5), credentials);
        GroupEndpoints group = new GroupEndpoints(GROUP, master.address(), List.of(slave.address()));

        assertThatThrownBy(() -> admin.backlog(group))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining("No accessKey is configured");
        assertThatThrownBy(() -> admin.replicationLagBytes(group)).hasMessageContaining("No accessKey is configured");

        Optional<AdminCredentials> operator = AdminCredentials.signingAdmin(ACL.getBytes(StandardCharsets.UTF_8));
        assertThat(operator).contains(new AdminCredentials("rkOperator1", "operatorSecret1"));
        credentials.update("uid-1", Map.of(master.address(), Optional.of(new AdminCredentials("rkOperator1", "x"))));
        assertThatThrownBy(() -> admin.backlog(group)).hasMessageContaining("Check signature failed");
        credentials.update("uid-1", Map.of(master.address(), operator, slave.address(), operator));

        producer = new DefaultMQProducer(
                "PG_ACL_ADMIN", new AclClientRPCHook(new SessionCredentials("rkUser0001", "userSecret01")));
        producer.setNamesrvAddr(nameServer.address());
        producer.setInstanceName("acl-admin-producer");
        producer.setPollNameServerInterval(500);
        producer.start();
        for (int i = 0; i < 20; i++) {
            assertThat(producer.send(new Message("T_ACL_ADMIN", ("m" + i).getBytes(StandardCharsets.UTF_8)))
                            .getSendStatus())
                    .isEqualTo(SendStatus.SEND_OK);
        }

        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> admin.replicationLagBytes(group).get(slave.address()) == 0L);
        TopicBacklog topic = admin.backlog(group).stream()
                .filter(t -> t.topic().equals("T_ACL_ADMIN"))
                .findFirst()
                .orElseThrow();
        assertThat(topic.queues().values().stream()
                        .mapToLong(TopicBacklog.QueueRange::stored)
                        .sum())
                .isEqualTo(20);

        admin.stopBrokerWrites(master.address());
        assertThat(catchThrowable(() -> producer.send(new Message("T_ACL_ADMIN", "refused".getBytes()))))
                .as("a send once the master stopped writes")
                .rootCause()
                .isInstanceOf(MQBrokerException.class)
                .satisfies(e ->
                        assertThat(((MQBrokerException) e).getResponseCode()).isEqualTo(ResponseCode.NO_PERMISSION));
        admin.restoreBrokerWrites(master.address());
        await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> producer.send(new Message("T_ACL_ADMIN", "again".getBytes()))
                                .getSendStatus()
                        == SendStatus.SEND_OK);
    }
}
