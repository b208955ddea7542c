package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.time.Duration;
import java.util.function.Function;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.impl.CommunicationMode;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.impl.MQClientManager;
import org.apache.rocketmq.client.impl.consumer.PullResultExt;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HA protocol against its oracle: our master with an Apache RocketMQ 4.9.7 slave, and an Apache 4.9.7
 * master with our slave, each pair of one group registered with one NameServer. After the official 4.9.8
 * producer has sent to the master, the slave must hold the master's whole CommitLog, and a pull of every queue
 * sent to the slave's own address must answer exactly the bytes the same pull answers on the master: the raw
 * stored records, so store host, offsets, properties and body all match.
 */
@Timeout(240)
class ReplicationInteropTest {

    private static final int QUEUES = 4;
    private static final int MESSAGES = 100;

    @Test
    void ourMasterReplicatesToAnApacheSlave() throws Exception {
        String group = OfficialClients.unique("rk-ha-ours-master");
        pair(
                group,
                namesrv -> OurBroker.builder("ha-our-master")
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .build(),
                namesrv -> ApacheBroker.builder("ha-apache-slave")
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .property("brokerId", "1")
                        .property("brokerRole", "SLAVE")
                        .property("slaveReadEnable", "true")
                        .build());
    }

    @Test
    void anApacheMasterReplicatesToOurSlave() throws Exception {
        String group = OfficialClients.unique("rk-ha-apache-master");
        pair(
                group,
                namesrv -> ApacheBroker.builder("ha-apache-master")
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .build(),
                namesrv -> OurBroker.builder("ha-our-slave")
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .property("rocketkube.broker.broker-id", "1")
                        .property("rocketkube.broker.slave-read-enable", "true")
                        .build());
    }

    private static void pair(String group, Function<String, BrokerNode> masterOf, Function<String, BrokerNode> slaveOf)
            throws Exception {
        NameServerNode namesrv = NamesrvKind.APACHE.start("namesrv-ha");
        BrokerNode master = masterOf.apply(namesrv.address());
        BrokerNode slave = slaveOf.apply(namesrv.address());
        DefaultMQAdminExt admin = null;
        DefaultMQProducer producer = null;
        DefaultMQPullConsumer reader = null;
        try {
            master.start();
            admin = OfficialClients.startAdmin(namesrv.address());
            OfficialClients.awaitBrokerRegistered(admin, master);
            String topic = OfficialClients.unique("T_HA_INTEROP");
            OfficialClients.createTopic(admin, master, topic, QUEUES);
            slave.start();

            producer = OfficialClients.startProducer(namesrv.address());
            OfficialClients.sendAll(producer, topic, MESSAGES);
            long masterEnd = commitLogMaxOffset(admin, master);
            DefaultMQAdminExt stats = admin;
            await("slave " + slave + " holds the master's CommitLog up to " + masterEnd)
                    .atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> commitLogMaxOffset(stats, slave) == masterEnd);

            reader = new DefaultMQPullConsumer(OfficialClients.unique("CG_HA_READER"));
            reader.setNamesrvAddr(namesrv.address());
            reader.setInstanceName(OfficialClients.unique("ha-reader"));
            reader.start();
            MQClientAPIImpl api = MQClientManager.getInstance()
                    .getOrCreateMQClientInstance(reader)
                    .getMQClientAPIImpl();
            String readerGroup = reader.getConsumerGroup();
            int total = 0;
            for (int queue = 0; queue < QUEUES; queue++) {
                byte[] fromMaster = pullAll(api, master.address(), readerGroup, topic, queue);
                int q = queue;
                // The slave learns the topic from its master's metadata sync (every 10 s on both sides).
                byte[][] fromSlave = new byte[1][];
                await("slave serves queue " + queue)
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> (fromSlave[0] = pullAll(api, slave.address(), readerGroup, topic, q)) != null);
                assertThat(fromSlave[0])
                        .as("queue %d: the slave's records equal the master's", queue)
                        .isEqualTo(fromMaster);
                total += fromMaster.length;
            }
            assertThat(total).as("pulled bytes").isGreaterThan(MESSAGES * 100);
        } finally {
            if (reader != null) {
                reader.shutdown();
            }
            if (producer != null) {
                producer.shutdown();
            }
            if (admin != null) {
                admin.shutdown();
            }
            slave.stop();
            master.stop();
            namesrv.stop();
        }
    }

    private static long commitLogMaxOffset(DefaultMQAdminExt admin, BrokerNode broker) throws Exception {
        return Long.parseLong(
                admin.fetchBrokerRuntimeStats(broker.address()).getTable().get("commitLogMaxOffset"));
    }

    /** The raw records of one queue from offset 0, as one broker answers a pull sent to its own address. */
    private static byte[] pullAll(MQClientAPIImpl api, String address, String group, String topic, int queue)
            throws Exception {
        PullMessageRequestHeader header = new PullMessageRequestHeader();
        header.setConsumerGroup(group);
        header.setTopic(topic);
        header.setQueueId(queue);
        header.setQueueOffset(0L);
        header.setMaxMsgNums(MESSAGES);
        // The subscription travels with the pull (PullSysFlag 0x4), so no heartbeat has to register the group first.
        header.setSysFlag(0x4);
        header.setCommitOffset(0L);
        header.setSuspendTimeoutMillis(0L);
        header.setSubscription("*");
        header.setSubVersion(0L);
        header.setExpressionType("TAG");
        PullResult result = api.pullMessage(address, header, 10_000, CommunicationMode.SYNC, null);
        if (result.getPullStatus() != PullStatus.FOUND) {
            throw new IllegalStateException(address + " answered " + result.getPullStatus() + " for queue " + queue);
        }
        return ((PullResultExt) result).getMessageBinary();
    }
}
