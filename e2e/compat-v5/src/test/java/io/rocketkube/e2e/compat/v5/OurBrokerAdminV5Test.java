package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.protocol.admin.OffsetWrapper;
import org.apache.rocketmq.remoting.protocol.body.HARuntimeInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What the 5.3.3 tools read from our packaged brokers (a master and its slave) that the 4.9.8 tools do not: the
 * runtime keys of 5.x {@code clusterList} (OutTPS by its corrected spelling, ACTIVATED, the timer columns), the pull
 * offsets behind 5.x {@code consumerProgress}'s "Inflight" column, and {@code haStatus} from both sides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OurBrokerAdminV5Test {
    private NameServerNode namesrv;
    private BrokerNode broker;
    private BrokerNode slave;
    private DefaultMQAdminExt admin;
    private DefaultMQProducer producer;

    @BeforeAll
    void start() throws Exception {
        namesrv = NamesrvKind.OURS.start("namesrv");
        String group = unique("rk-admin");
        broker = OurBroker.builder("our-broker")
                .clusterName("RkE2eCluster")
                .brokerName(group)
                .namesrvAddrs(namesrv.address())
                .build();
        broker.start();
        admin = OfficialClients.startAdmin(namesrv.address());
        awaitBrokerRegistered(admin, broker);
        slave = OurBroker.builder("our-slave")
                .clusterName("RkE2eCluster")
                .brokerName(group)
                .namesrvAddrs(namesrv.address())
                .property("rocketkube.broker.broker-id", "1")
                .build();
        slave.start();
        producer = OfficialClients.startProducer(namesrv.address());
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.shutdown();
        }
        if (admin != null) {
            admin.shutdown();
        }
        if (slave != null) {
            slave.stop();
        }
        if (broker != null) {
            broker.stop();
        }
        if (namesrv != null) {
            namesrv.stop();
        }
    }

    @Test
    void runtimeStatsCarryTheKeysThe5xClusterListReads() throws Exception {
        Map<String, String> table =
                admin.fetchBrokerRuntimeStats(broker.address()).getTable();
        assertThat(table)
                .containsEntry("brokerActive", "true")
                .containsKeys("putTps", "getTransferredTps", "sendThreadPoolQueueSize", "pullThreadPoolQueueSize");
        for (String key : new String[] {"timerReadBehind", "timerOffsetBehind", "timerCongestNum"}) {
            Long.parseLong(table.get(key));
        }
        for (String key : new String[] {"timerEnqueueTps", "timerDequeueTps"}) {
            Float.parseFloat(table.get(key));
        }
        Double.parseDouble(table.get("getTransferredTps").split(" ")[0]);
    }

    /** What 5.x mqadmin haStatus prints, from both sides of the pair. */
    @Test
    void haStatusShowsTheSlaveInSyncOnTheMasterAndTheMasterOnTheSlave() throws Exception {
        String topic = unique("RkHaStatus");
        createTopic(admin, broker, topic, 1);
        for (int i = 0; i < 20; i++) {
            producer.send(new Message(topic, ("h" + i).getBytes()));
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            HARuntimeInfo m = admin.getBrokerHAStatus(broker.address());
            return m.getHaConnectionInfo().size() == 1
                    && m.getHaConnectionInfo().get(0).getDiff() == 0
                    && m.getMasterCommitLogMaxOffset() > 0;
        });
        HARuntimeInfo master = admin.getBrokerHAStatus(broker.address());
        assertThat(master.isMaster()).isTrue();
        assertThat(master.getInSyncSlaveNums()).isEqualTo(1);
        HARuntimeInfo.HAConnectionRuntimeInfo link =
                master.getHaConnectionInfo().get(0);
        assertThat(link.getSlaveAckOffset()).isEqualTo(master.getMasterCommitLogMaxOffset());
        assertThat(link.isInSync()).isTrue();
        assertThat(link.getAddr()).startsWith("127.");
        assertThat(link.getTransferFromWhere()).isBetween(0L, master.getMasterCommitLogMaxOffset());

        HARuntimeInfo replica = admin.getBrokerHAStatus(slave.address());
        assertThat(replica.isMaster()).isFalse();
        HARuntimeInfo.HAClientRuntimeInfo side = replica.getHaClientRuntimeInfo();
        assertThat(side.getMaxOffset()).isEqualTo(master.getMasterCommitLogMaxOffset());
        assertThat(side.getMasterAddr()).isNotBlank();
        assertThat(side.getLastReadTimestamp()).isPositive();
        assertThat(side.getLastWriteTimestamp()).isPositive();
    }

    /** Messages pulled but not yet consumed show as pull offset − committed offset, and go to 0 once consumed. */
    @Test
    void consumeStatsCarryThePullOffsetSoInflightIsReal() throws Exception {
        String topic = unique("RkInflight");
        String group = unique("rk-inflight-group");
        createTopic(admin, broker, topic, 1);
        int sent = 5;
        for (int i = 0; i < sent; i++) {
            producer.send(new Message(topic, ("m" + i).getBytes()));
        }
        CountDownLatch gate = new CountDownLatch(1);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv.address());
        consumer.setInstanceName(group);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPersistConsumerOffsetInterval(200);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, context) -> {
            try {
                return gate.await(60, TimeUnit.SECONDS)
                        ? ConsumeConcurrentlyStatus.CONSUME_SUCCESS
                        : ConsumeConcurrentlyStatus.RECONSUME_LATER;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ConsumeConcurrentlyStatus.RECONSUME_LATER;
            }
        });
        consumer.start();
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                OffsetWrapper w = onlyQueue(topic, group);
                return w.getPullOffset() == sent && w.getConsumerOffset() == 0;
            });
            gate.countDown();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                OffsetWrapper w = onlyQueue(topic, group);
                return w.getConsumerOffset() == sent && w.getPullOffset() == sent;
            });
        } finally {
            gate.countDown();
            consumer.shutdown();
        }
    }

    private OffsetWrapper onlyQueue(String topic, String group) throws Exception {
        Map<?, OffsetWrapper> table = admin.examineConsumeStats(group, topic).getOffsetTable();
        assertThat(table).hasSize(1);
        return table.values().iterator().next();
    }
}
