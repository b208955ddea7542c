package io.rocketkube.e2e.compat.v5;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer(topic + "-v5-consumer");
        try {
            int sent = 0;
            while (sent < count) {
                try {
                    Message message =
                            new Message(topic, "v5", "k" + sent, ("v5-" + sent).getBytes(StandardCharsets.UTF_8));
                    if (producer.send(message).getSendStatus() == SendStatus.SEND_OK) {
                        sent++;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
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
            while (received.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            System.out.println("sent " + sent + " consumed " + received.size());
        } finally {
            consumer.shutdown();
            producer.shutdown();
        }
        System.exit(received.size() == count ? 0 : 1);
    }
}
