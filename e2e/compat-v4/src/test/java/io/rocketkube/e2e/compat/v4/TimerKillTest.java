package io.rocketkube.e2e.compat.v4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.OurBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 21: our packaged broker killed with SIGKILL while timer messages (TIMER_DELIVER_MS, as the 5.x client
 * sets it) and delay-level messages are waiting, then started again on the same store: each is written to its
 * topic exactly once and arrives no earlier than its time; a timer cancelled by a TIMER_DEL_UNIQKEY marker
 * before the kill is not delivered after it, nor is the marker. Official 4.9.8 producer and push consumer.
 */
@Timeout(180)
class TimerKillTest {
    private static final int EACH = 10;

    @Test
    void pendingTimersAndDelayedMessagesSurviveKillNineAndArriveOnceOnTime() throws Exception {
        try (KillCluster cluster = KillCluster.start("namesrv-timer")) {
            OurBroker broker = cluster.broker(
                    "broker-timer",
                    b -> b.clusterName("RkTimerCluster")
                            .brokerName(OfficialClients.unique("rk-timer"))
                            .property("rocketkube.broker.message-delay-level", "9s 10s"));
            String topic = cluster.startWithTopic(broker, "T_TIMER_KILL", 2);

            DefaultMQProducer producer =
                    cluster.producer(new DefaultMQProducer(OfficialClients.unique("PG_TIMER_KILL")), "timer-producer");
            producer.start();
            Map<Integer, Long> due = new ConcurrentHashMap<>();
            for (int i = 0; i < 2 * EACH; i++) {
                Message m = new Message(topic, "TagK", "k-" + i, ("timer-" + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("seq", Integer.toString(i));
                long now = System.currentTimeMillis();
                if (i < EACH) {
                    due.put(i, now + 9_000 + i * 200);
                    MessageAccessor.putProperty(m, "TIMER_DELIVER_MS", String.valueOf(due.get(i)));
                } else {
                    m.setDelayTimeLevel(i % 2 + 1);
                    due.put(i, now + (i % 2 == 0 ? 9_000 : 10_000));
                }
                assertThat(producer.send(m).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            }
            // A timer cancelled by a TIMER_DEL_UNIQKEY marker of its time (RocketMQ 5's cancel): the cancel is
            // on disk as well, so after the kill neither the timer nor the marker reaches the topic.
            long cancelledDue = System.currentTimeMillis() + 9_000;
            Message cancelled = new Message(topic, "TagK", "k-cancelled", "cancelled".getBytes(StandardCharsets.UTF_8));
            cancelled.putUserProperty("seq", "-1");
            MessageAccessor.putProperty(cancelled, "TIMER_DELIVER_MS", String.valueOf(cancelledDue));
            String cancelledKey = producer.send(cancelled).getMsgId();
            Message marker = new Message(topic, "TagK", "k-marker", "marker".getBytes(StandardCharsets.UTF_8));
            marker.putUserProperty("seq", "-2");
            MessageAccessor.putProperty(marker, "TIMER_DELIVER_MS", String.valueOf(cancelledDue));
            MessageAccessor.putProperty(marker, "TIMER_DEL_UNIQKEY", topic + "+" + cancelledKey);
            assertThat(producer.send(marker).getSendStatus()).isEqualTo(SendStatus.SEND_OK);
            String brokerAddr = broker.address();
            DefaultMQAdminExt info = cluster.admin();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> String.valueOf(EACH + 2)
                            .equals(info.fetchBrokerRuntimeStats(brokerAddr)
                                    .getTable()
                                    .get("timerPendingNum")));

            broker.process().kill();
            broker.start();

            Map<Integer, Long> firstAt = new ConcurrentHashMap<>();
            DefaultMQPushConsumer consumer = cluster.consumer("CG_TIMER_KILL", "timer-consumer", topic, (msgs, ctx) -> {
                long now = System.currentTimeMillis();
                for (MessageExt m : msgs) {
                    firstAt.putIfAbsent(Integer.parseInt(m.getUserProperty("seq")), now);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> firstAt.size() >= 2 * EACH);
            for (int i = 0; i < 2 * EACH; i++) {
                assertThat(firstAt.get(i)).as("message %d not early", i).isGreaterThanOrEqualTo(due.get(i));
            }
            assertThat(firstAt).as("the cancelled timer and its marker").doesNotContainKeys(-1, -2);
            // Written once: the topic holds exactly the messages sent, none re-delivered by the recovery.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> cluster.messagesIn(topic) == 2 * EACH);
            assertThat(info.fetchBrokerRuntimeStats(broker.address()).getTable())
                    .containsEntry("timerPendingNum", "0");
        }
    }
}
