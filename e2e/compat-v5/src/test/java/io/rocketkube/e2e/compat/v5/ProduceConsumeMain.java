package io.rocketkube.e2e.compat.v5;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The official 5.3.3 remoting client as a child process, for tests whose own classpath holds the
 * 4.9.8 client (same Maven coordinates, so both cannot share one classpath): e2e/k8s starts it
 * with this module's test classpath ({@code target/compat-v5.classpath} plus
 * {@code target/test-classes}) and the stand-in's hosts file.
 *
 * <p>Arguments: {@code <namesrvAddr> <topic> <count> <timeoutSeconds>}. Sends {@code count}
 * messages (the first send may create the topic, so it is retried until the timeout), then a push
 * consumer reads the topic from its first offset. Prints {@code sent N consumed M} and exits 0
 * when every sent message was consumed, 1 otherwise.
 */
public final class ProduceConsumeMain {

    private ProduceConsumeMain() {}

    public static void main(String[] args) throws Exception {
        String namesrv = args[0];
        String topic = args[1];
        int count = Integer.parseInt(args[2]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[3]));
        DefaultMQProducer producer = new DefaultMQProducer(topic + "-v5-producer");
        producer.setNamesrvAddr(namesrv);
        producer.setInstanceName(topic + "-v5-" + System.nanoTime());
        producer.start();
        Set<String> received = ConcurrentHashMap.newKeySet();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(topic + "-v5-consumer");
        try {
            // Awaitility waits its poll interval before the first check unless told otherwise (pollDelay);
            // one wait per message would so cost 100 x 200 ms. One wait over the whole loop, checked at once.
            AtomicInteger sent = new AtomicInteger();
            await().atMost(remaining(deadline))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        while (sent.get() < count) {
                            int i = sent.get();
                            Message message =
                                    new Message(topic, "v5", "k" + i, ("v5-" + i).getBytes(StandardCharsets.UTF_8));
                            if (producer.send(message).getSendStatus() == SendStatus.SEND_OK) {
                                sent.incrementAndGet();
                            }
                        }
                        return true;
                    });
            consumer.setNamesrvAddr(namesrv);
            consumer.setInstanceName(topic + "-v5-" + System.nanoTime());
            consumer.subscribe(topic, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    received.add(new String(m.getBody(), StandardCharsets.UTF_8));
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            try {
                await().atMost(remaining(deadline))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> received.size() >= count);
            } catch (ConditionTimeoutException notAll) {
                // reported below: the exit code says it
            }
            System.out.println("sent " + sent.get() + " consumed " + received.size());
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
        System.exit(received.size() == count ? 0 : 1);
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
