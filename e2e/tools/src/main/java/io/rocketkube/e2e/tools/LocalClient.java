package io.rocketkube.e2e.tools;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.common.protocol.route.QueueData;
import org.apache.rocketmq.common.protocol.route.TopicRouteData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * A newcomer's client for the local cluster, built on the official 4.9.8 client and admin (so it
 * exercises exactly what applications use). The NameServer list comes from {@code -n} or
 * {@code $NAMESRV_ADDR}.
 *
 * <pre>
 * send    [-n addr] [--topic T] [--count N]       N synchronous sends, progress every 10%
 * consume [-n addr] [--topic T] [--count N] [--group G] [--timeout S]
 *                                                 a push consumer from the first offset until N
 *                                                 messages arrived (or S seconds passed)
 * clusters [-n addr]                              brokers per cluster and group, with addresses
 * topics  [-n addr]                               every topic the NameServer knows
 * route   [-n addr] --topic T                     which groups and queues serve T
 * create-topic [-n addr] --topic T [--queues Q] [--cluster C]   on every master of the cluster
 * </pre>
 * Exit code 0 on success, 1 when a send failed or not every message was consumed in time.
 */
public final class LocalClient {

    private LocalClient() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: LocalClient send|consume|clusters|topics|route|create-topic [options]");
            System.exit(2);
        }
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String key = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + key + " needs a value");
            }
            options.put(key.replaceFirst("^-+", ""), args[++i]);
        }
        String namesrv = options.getOrDefault("n", System.getenv().getOrDefault("NAMESRV_ADDR", "127.0.0.1:9876"));
        String topic = options.getOrDefault("topic", "LocalTest");
        int count = Integer.parseInt(options.getOrDefault("count", "100"));
        int code = switch (args[0]) {
            case "send" -> send(namesrv, topic, count);
            case "consume" ->
                consume(
                        namesrv,
                        topic,
                        count,
                        options.getOrDefault("group", "local-consumer"),
                        Integer.parseInt(options.getOrDefault("timeout", "60")));
            case "clusters", "topics", "route", "create-topic" -> admin(args[0], namesrv, topic, options);
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }

    private static int send(String namesrv, String topic, int count) throws Exception {
        DefaultMQProducer producer = new DefaultMQProducer("local-producer");
        producer.setNamesrvAddr(namesrv);
        producer.start();
        int failed = 0;
        long started = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                Message message =
                        new Message(topic, "local", "key-" + i, ("message " + i).getBytes(StandardCharsets.UTF_8));
                try {
                    SendResult result = producer.send(message);
                    if (result.getSendStatus() != org.apache.rocketmq.client.producer.SendStatus.SEND_OK) {
                        failed++;
                    }
                } catch (Exception e) {
                    failed++;
                    System.err.println("send " + i + " failed: " + e.getMessage());
                }
                progress("sent", i + 1, count);
            }
        } finally {
            producer.shutdown();
        }
        System.out.printf(
                "sent %d of %d messages to %s in %d ms%n",
                count - failed, count, topic, (System.nanoTime() - started) / 1_000_000);
        return failed == 0 ? 0 : 1;
    }

    private static int consume(String namesrv, String topic, int count, String group, int timeout) throws Exception {
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(namesrv);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        AtomicInteger received = new AtomicInteger();
        Set<String> brokers = ConcurrentHashMap.newKeySet();
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (var m : messages) {
                brokers.add(context.getMessageQueue().getBrokerName());
                progress("consumed", received.incrementAndGet(), count);
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        long deadline = System.nanoTime() + timeout * 1_000_000_000L;
        while (received.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        consumer.shutdown();
        System.out.printf("consumed %d messages of %s (group %s) from %s%n", received.get(), topic, group, brokers);
        return received.get() >= count ? 0 : 1;
    }

    private static int admin(String command, String namesrv, String topic, Map<String, String> options)
            throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(namesrv);
        admin.setInstanceName("local-admin-" + System.nanoTime());
        admin.start();
        try {
            switch (command) {
                case "clusters" -> {
                    ClusterInfo info = admin.examineBrokerClusterInfo();
                    info.getClusterAddrTable().forEach((cluster, names) -> {
                        System.out.println("cluster " + cluster);
                        for (String name : names) {
                            BrokerData data = info.getBrokerAddrTable().get(name);
                            System.out.println("  group " + name + " " + (data == null ? "{}" : data.getBrokerAddrs())
                                    + "  (id 0 = master)");
                        }
                    });
                }
                case "topics" ->
                    admin.fetchAllTopicList().getTopicList().stream().sorted().forEach(System.out::println);
                case "route" -> {
                    TopicRouteData route = admin.examineTopicRouteInfo(topic);
                    for (QueueData q : route.getQueueDatas()) {
                        System.out.printf(
                                "  %s: %d write / %d read queues, perm %d%n",
                                q.getBrokerName(), q.getWriteQueueNums(), q.getReadQueueNums(), q.getPerm());
                    }
                    for (BrokerData b : route.getBrokerDatas()) {
                        System.out.println("  " + b.getBrokerName() + " " + b.getBrokerAddrs());
                    }
                }
                case "create-topic" -> {
                    int queues = Integer.parseInt(options.getOrDefault("queues", "8"));
                    ClusterInfo info = admin.examineBrokerClusterInfo();
                    String cluster = options.getOrDefault(
                            "cluster",
                            info.getClusterAddrTable().keySet().iterator().next());
                    TopicConfig config = new TopicConfig(topic, queues, queues, 6);
                    for (String name : info.getClusterAddrTable().get(cluster)) {
                        String master = info.getBrokerAddrTable()
                                .get(name)
                                .getBrokerAddrs()
                                .get(0L);
                        if (master != null) {
                            admin.createAndUpdateTopicConfig(master, config);
                            System.out.println(
                                    "created " + topic + " (" + queues + " queues) on " + name + " " + master);
                        }
                    }
                }
                default -> throw new IllegalArgumentException(command);
            }
        } finally {
            admin.shutdown();
        }
        return 0;
    }

    private static void progress(String what, int done, int total) {
        int step = Math.max(1, total / 10);
        if (done % step == 0 || done == total) {
            System.out.printf("%s %d/%d (%d%%)%n", what, done, total, done * 100 / total);
        }
    }
}
