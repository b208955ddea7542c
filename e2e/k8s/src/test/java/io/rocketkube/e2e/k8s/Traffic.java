package io.rocketkube.e2e.k8s;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Continuous traffic through the NameServer Service with the official 4.9.8 client, and the
 * checker: producer threads send numbered messages (the number is the key, the body is padded to
 * {@code bodyBytes}) and record each acknowledged one (SEND_OK); one push consumer records each
 * number it receives. {@link #awaitAllConsumed} is the check that nothing acknowledged was lost
 * (duplicates allowed). Clients poll routes every second, so a route change reaches them at once.
 */
final class Traffic implements AutoCloseable {

    private static final long FAILED_SEND_PAUSE_NANOS = Duration.ofMillis(100).toNanos();

    private final DefaultMQProducer producer;
    private final String nameServer;
    private final DefaultMQPushConsumer consumer;
    private final String topic;
    private final byte[] padding;
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<Long> consumed = ConcurrentHashMap.newKeySet();
    private final Set<String> recentGroups = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong notOk = new AtomicLong();
    private final Map<String, Long> lastConsumedFrom = new ConcurrentHashMap<>();
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final List<Thread> senders = new ArrayList<>();

    Traffic(String nameServer, String name, int bodyBytes) throws Exception {
        this.topic = name;
        this.nameServer = nameServer;
        this.padding = new byte[bodyBytes];
        Arrays.fill(padding, (byte) 'x');
        producer = new DefaultMQProducer(name + "-producer");
        producer.setNamesrvAddr(nameServer);
        producer.setInstanceName(name + "-" + System.nanoTime());
        producer.setPollNameServerInterval(1000);
        producer.setSendMsgTimeout(5000);
        consumer = newConsumer();
    }

    private DefaultMQPushConsumer newConsumer() throws Exception {
        DefaultMQPushConsumer pushConsumer = new DefaultMQPushConsumer(topic + "-consumer");
        pushConsumer.setNamesrvAddr(nameServer);
        pushConsumer.setInstanceName(topic + "-" + System.nanoTime());
        pushConsumer.setPollNameServerInterval(1000);
        pushConsumer.subscribe(topic, "*");
        pushConsumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        pushConsumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt m : messages) {
                consumed.add(Long.parseLong(m.getKeys()));
            }
            lastConsumedFrom.put(context.getMessageQueue().getBrokerName(), System.nanoTime());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        return pushConsumer;
    }

    /** Stops the consumer's pulls, keeping its queues and offsets, so that a backlog builds up. */
    void suspendConsumer() {
        consumer.suspend();
    }

    void resumeConsumer() {
        consumer.resume();
    }

    /**
     * Creates the topic on every group's master, as {@code mqadmin updateTopic -c} does, then starts
     * the producer and the consumer. Not left to the first send's auto-creation: that creates the
     * topic only on the groups the producer reaches before the first route comes back, which under
     * load is often one group, and traffic then never reaches the others.
     */
    void start(int threads) throws Exception {
        createTopicOnEveryGroup();
        producer.start();
        await("first send to " + topic)
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> send() == SendStatus.SEND_OK);
        consumer.start();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(this::sendLoop, topic + "-sender-" + i);
            thread.setDaemon(true);
            thread.start();
            senders.add(thread);
        }
    }

    private void createTopicOnEveryGroup() throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(nameServer);
        admin.setInstanceName(topic + "-admin-" + System.nanoTime());
        admin.start();
        try {
            ClusterInfo info = admin.examineBrokerClusterInfo();
            int groups = 0;
            for (BrokerData group : info.getBrokerAddrTable().values()) {
                String master = group.getBrokerAddrs().get(MixAll.MASTER_ID);
                if (master != null) {
                    admin.createAndUpdateTopicConfig(
                            master, new TopicConfig(topic, 4, 4, PermName.PERM_READ | PermName.PERM_WRITE));
                    groups++;
                }
            }
            int created = groups;
            await("route of " + topic + " on " + created + " groups")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() ->
                            admin.examineTopicRouteInfo(topic).getQueueDatas().size() == created);
        } finally {
            admin.shutdown();
        }
    }

    private void sendLoop() {
        while (sending.get()) {
            try {
                if (send() != SendStatus.SEND_OK) {
                    // SLAVE_NOT_AVAILABLE comes back at once while a slave restarts: pause as below.
                    LockSupport.parkNanos(FAILED_SEND_PAUSE_NANOS);
                }
            } catch (Exception e) {
                failed.incrementAndGet();
                // With no writable queue (a one-group cluster whose master is stopped) the client throws
                // at once; pause so the loop does not take a core from the servers under test.
                LockSupport.parkNanos(FAILED_SEND_PAUSE_NANOS);
            }
        }
    }

    private SendStatus send() throws Exception {
        long n = sequence.incrementAndGet();
        Message message = new Message(topic, "t", Long.toString(n), body(n));
        SendResult result = producer.send(message);
        if (result.getSendStatus() == SendStatus.SEND_OK) {
            acknowledged.add(n);
            recentGroups.add(result.getMessageQueue().getBrokerName());
        } else {
            notOk.incrementAndGet();
        }
        return result.getSendStatus();
    }

    private byte[] body(long n) {
        byte[] head = ("m-" + n + "-").getBytes(StandardCharsets.UTF_8);
        byte[] body = padding.clone();
        System.arraycopy(head, 0, body, 0, Math.min(head.length, body.length));
        return body;
    }

    /** Waits until the consumer has received messages of every one of {@code groups}. */
    void awaitConsumedFrom(Collection<String> groups, Duration atMost) {
        await("messages consumed from " + groups)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> groups.stream().allMatch(lastConsumedFrom::containsKey));
    }

    /** Waits until acknowledged sends land on every one of {@code groups}, counted from now. */
    void awaitSendsTo(Collection<String> groups, Duration atMost) {
        recentGroups.clear();
        await("sends acknowledged by " + groups)
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> recentGroups.containsAll(groups));
    }

    void stopSending() throws InterruptedException {
        sending.set(false);
        for (Thread thread : senders) {
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }

    /** The checker: every acknowledged message was consumed. */
    void awaitAllConsumed(Duration atMost) {
        await("every acknowledged message consumed")
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> consumed.containsAll(acknowledged));
    }

    long acknowledged() {
        return acknowledged.size();
    }

    long consumedDistinct() {
        return consumed.size();
    }

    /** Sends that threw (after the client's own retries): nothing stored is known of them. */
    long failedSends() {
        return failed.get();
    }

    /**
     * Sends answered but not SEND_OK: under SYNC_MASTER, SLAVE_NOT_AVAILABLE or FLUSH_SLAVE_TIMEOUT
     * while a slave restarts. Stored by the master but not acknowledged, so not counted.
     */
    long unacknowledgedSends() {
        return notOk.get();
    }

    /** When a message of broker group {@code group} was last consumed (System.nanoTime), or 0. */
    long lastConsumedFrom(String group) {
        return lastConsumedFrom.getOrDefault(group, 0L);
    }

    @Override
    public void close() {
        sending.set(false);
        consumer.shutdown();
        producer.shutdown();
    }
}
