package io.rocketkube.e2e.compat.v5;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

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
        CountDownLatch allReceived = new CountDownLatch(count);
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(topic + "-v5-consumer");
        try {
            for (int i = 0; i < count; i++) {
                Message message = new Message(topic, "v5", "k" + i, ("v5-" + i).getBytes(StandardCharsets.UTF_8));
                // Retried until acknowledged: the first send may come before the topic's route exists.
                await("send " + i)
                        .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> producer.send(message).getSendStatus() == SendStatus.SEND_OK);
            }
            consumer.setNamesrvAddr(namesrv);
            consumer.setInstanceName(topic + "-v5-" + System.nanoTime());
            consumer.subscribe(topic, "*");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    if (received.add(new String(m.getBody(), StandardCharsets.UTF_8))) {
                        allReceived.countDown();
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            allReceived.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            System.out.println("sent " + count + " consumed " + received.size());
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
        System.exit(received.size() == count ? 0 : 1);
    }
}
