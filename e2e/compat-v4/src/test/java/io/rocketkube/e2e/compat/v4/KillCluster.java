package io.rocketkube.e2e.compat.v4;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.UnaryOperator;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.admin.TopicOffset;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * What the kill tests (sync master, replication catch-up, transactions, timers) set up alike: our NameServer and
 * packaged brokers as processes, mqadmin's API over them and the official 4.9.8 clients the test makes. Closing
 * stops everything, the last made first (clients, the admin, brokers, the NameServer), so a failed assertion
 * leaves no process behind.
 */
final class KillCluster implements AutoCloseable {

    private final NameServerNode namesrv;
    private final Deque<Runnable> closers = new ArrayDeque<>();
    private DefaultMQAdminExt admin;

    private KillCluster(NameServerNode namesrv) {
        this.namesrv = namesrv;
        closers.push(namesrv::stop);
    }

    static KillCluster start(String namesrvName) {
        return new KillCluster(NamesrvKind.OURS.start(namesrvName));
    }

    String namesrvAddr() {
        return namesrv.address();
    }

    /** A broker of ours on this NameServer, not started; {@code settings} adds the test's own. */
    OurBroker broker(String name, UnaryOperator<OurBroker.Builder> settings) {
        OurBroker broker = settings.apply(OurBroker.builder(name).namesrvAddrs(namesrv.address()))
                .build();
        closers.push(broker::stop);
        return broker;
    }

    /**
     * A master and its slave of a new broker group named {@code rk-<prefix>-…}, not started: brokers
     * {@code <prefix>-master} ({@code master} adds its own settings) and {@code <prefix>-slave} (broker id 1,
     * syncing its master's metadata every second, so a test need not wait the default 10 s).
     */
    MasterSlave masterSlave(String prefix, UnaryOperator<OurBroker.Builder> master) {
        String group = OfficialClients.unique("rk-" + prefix);
        return new MasterSlave(
                broker(prefix + "-master", b -> master.apply(b.brokerName(group))),
                broker(
                        prefix + "-slave",
                        b -> b.brokerName(group)
                                .property("rocketkube.broker.broker-id", "1")
                                .property("rocketkube.broker.slave-sync-interval", "1s")));
    }

    /** The two brokers of one group, as {@link #masterSlave} makes them. */
    record MasterSlave(OurBroker master, OurBroker slave) {}

    /** mqadmin's API on this NameServer, started on first use. */
    DefaultMQAdminExt admin() throws MQClientException {
        if (admin == null) {
            admin = OfficialClients.startAdmin(namesrv.address());
            closers.push(admin::shutdown);
        }
        return admin;
    }

    /** Starts the broker, waits until the NameServer lists it and creates a topic of a unique name on it. */
    String startWithTopic(OurBroker broker, String topicPrefix, int queues) throws Exception {
        broker.start();
        OfficialClients.awaitBrokerRegistered(admin(), broker);
        String topic = OfficialClients.unique(topicPrefix);
        OfficialClients.createTopic(admin, broker, topic, queues);
        return topic;
    }

    /** Starts a slave and waits until it has the topic from its master. */
    void startSlave(OurBroker slave, String topic) throws MQClientException {
        slave.start();
        DefaultMQAdminExt mqadmin = admin();
        await("the slave knows " + topic)
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> mqadmin.examineTopicConfig(slave.address(), topic) != null);
    }

    /** The official client's default producer on this NameServer, started. */
    DefaultMQProducer startProducer() throws MQClientException {
        DefaultMQProducer producer = OfficialClients.startProducer(namesrv.address());
        closers.push(producer::shutdown);
        return producer;
    }

    /** A producer the test made, pointed at this NameServer with a 10 s send timeout; the test starts it. */
    <P extends DefaultMQProducer> P producer(P producer, String instancePrefix) {
        producer.setNamesrvAddr(namesrv.address());
        producer.setInstanceName(OfficialClients.unique(instancePrefix));
        producer.setSendMsgTimeout(10_000);
        closers.push(producer::shutdown);
        return producer;
    }

    /**
     * A push consumer of a new group reading the whole topic from its first offset; not started, so a test may
     * tune it first.
     */
    DefaultMQPushConsumer consumer(
            String groupPrefix, String instancePrefix, String topic, MessageListenerConcurrently listener)
            throws MQClientException {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(OfficialClients.unique(groupPrefix));
        consumer.setNamesrvAddr(namesrv.address());
        consumer.setInstanceName(OfficialClients.unique(instancePrefix));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        // A rebalance's heartbeat that the client skips (another holds its lock) leaves its pulls answered
        // SUBSCRIPTION_NOT_LATEST until the next one; at 1 s that gap stays well inside the tests' waits.
        consumer.setHeartbeatBrokerInterval(1000);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener(listener);
        closers.push(consumer::shutdown);
        return consumer;
    }

    /** The messages written to the topic, summed over its queues. */
    long messagesIn(String topic) throws Exception {
        return admin().examineTopicStats(topic).getOffsetTable().values().stream()
                .mapToLong(TopicOffset::getMaxOffset)
                .sum();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!closers.isEmpty()) {
            try {
                closers.pop().run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
