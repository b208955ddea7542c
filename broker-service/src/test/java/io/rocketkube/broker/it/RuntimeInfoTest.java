package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.util.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET_BROKER_RUNTIME_INFO (28) through the 4.9.8 tools' fetchBrokerRuntimeStats: true values, no constants. */
@Timeout(120)
class RuntimeInfoTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
    static final String TOPIC = "T_RUNTIME_INFO";

    @TempDir
    Path dir;

    @Test
    void missRateQueuesAndTotalsAtEachMidnight() throws Exception {
        MovableClock clock = new MovableClock(ZONE);
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        DefaultMQProducer producer = new DefaultMQProducer("PG_RUNTIME_INFO");
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("CG_RUNTIME_INFO");
        try (Cluster cluster = new Cluster(dir, UnaryOperator.identity(), clock)) {
            admin.setNamesrvAddr(cluster.namesrvAddr());
            admin.setInstanceName("runtime-info-admin");
            admin.start();
            producer.setNamesrvAddr(cluster.namesrvAddr());
            producer.setInstanceName("runtime-info-producer");
            producer.start();
            admin.createAndUpdateTopicConfig(cluster.brokerAddr(), new TopicConfig(TOPIC, 1, 1, 6));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !producer.fetchPublishMessageQueues(TOPIC).isEmpty());
            for (int i = 0; i < 3; i++) {
                assertThat(producer.send(Messages.message(TOPIC, i, "TagA")).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
            AtomicInteger consumed = new AtomicInteger();
            consumer.setNamesrvAddr(cluster.namesrvAddr());
            consumer.setInstanceName("runtime-info-consumer");
            consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
            consumer.subscribe(TOPIC, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                consumed.addAndGet(msgs.size());
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> consumed.get() == 3);

            // Once everything is consumed the consumer's pulls find nothing: the miss rate is no longer 0.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Double.parseDouble(
                                    info(admin, cluster).get("getMissTps").split(" ")[0])
                            > 0);
            consumer.shutdown();
            Map<String, String> day1 = info(admin, cluster);
            assertThat(day1)
                    .containsEntry("msgPutTotalTodayNow", "3")
                    .containsEntry("msgGetTotalTodayNow", "3")
                    .containsEntry("msgPutTotalTodayMorning", "0")
                    .containsEntry("msgGetTotalTodayMorning", "0")
                    .containsEntry("msgPutTotalYesterdayMorning", "0")
                    .containsEntry("sendThreadPoolQueueCapacity", "10000")
                    .containsEntry("pullThreadPoolQueueCapacity", "10000")
                    .containsEntry("queryThreadPoolQueueCapacity", "1000")
                    .containsEntry("queryThreadPoolQueueSize", "0")
                    .containsEntry("queryThreadPoolQueueHeadWaitTimeMills", "0")
                    .containsEntry("EndTransactionThreadPoolQueueCapacity", "10000")
                    .containsEntry("remainHowManyDataToCommit", "0 B")
                    .containsEntry("putMessageFailedTimes", "0")
                    .containsEntry("putLatency99", "0.00")
                    .containsKeys("putMessageEntireTimeMax", "getMessageEntireTimeMax", "dispatchMaxBuffer");
            assertThat(day1.get("remainHowManyDataToFlush")).matches("\\d+(\\.\\d)? (B|KiB|MiB)");
            assertThat(Long.parseLong(day1.get("putMessageEntireTimeMax"))).isNotNegative();
            assertThat(sentInTheShownMinute(day1))
                    .as("no minute is complete yet")
                    .isZero();

            clock.advanceTo(nextMidnight(clock).plusSeconds(30));
            Map<String, String> day2 = info(admin, cluster);
            assertThat(day2)
                    .containsEntry("msgPutTotalTodayMorning", "3")
                    .containsEntry("msgGetTotalTodayMorning", "3")
                    .containsEntry("msgPutTotalYesterdayMorning", "0")
                    .containsEntry("msgGetTotalYesterdayMorning", "0")
                    .containsEntry("msgPutTotalTodayNow", "3");
            // A minute has passed on the broker's clock: its next rate sample shows the three sends' times.
            await().atMost(Duration.ofSeconds(30)).until(() -> sentInTheShownMinute(info(admin, cluster)) == 3);
            assertThat(Double.parseDouble(info(admin, cluster).get("putLatency99")))
                    .isPositive();
            // The broker's idle-client scan may drop the producer's connection after the jump; it reconnects.
            for (int i = 3; i < 5; i++) {
                int seq = i;
                await().atMost(Duration.ofSeconds(20))
                        .ignoreExceptions()
                        .until(() -> producer.send(Messages.message(TOPIC, seq, "TagA"))
                                        .getSendStatus()
                                == SendStatus.SEND_OK);
            }

            clock.advanceTo(nextMidnight(clock).plusSeconds(30));
            Map<String, String> day3 = info(admin, cluster);
            assertThat(day3)
                    .containsEntry("msgPutTotalYesterdayMorning", "3")
                    .containsEntry("msgPutTotalTodayMorning", "5")
                    .containsEntry("msgPutTotalTodayNow", "5")
                    .containsEntry("msgGetTotalYesterdayMorning", "3")
                    .containsEntry("msgGetTotalTodayMorning", "3");
            await().atMost(Duration.ofSeconds(30)).until(() -> sentInTheShownMinute(info(admin, cluster)) == 2);
        } finally {
            consumer.shutdown();
            producer.shutdown();
            admin.shutdown();
        }
    }

    private static Map<String, String> info(DefaultMQAdminExt admin, Cluster cluster) throws Exception {
        return admin.fetchBrokerRuntimeStats(cluster.brokerAddr()).getTable();
    }

    /** The sum of {@code putMessageDistributeTime}'s buckets: "[<=0ms]:2 [0~10ms]:1 ...". */
    private static long sentInTheShownMinute(Map<String, String> info) {
        long sum = 0;
        for (String bucket : info.get("putMessageDistributeTime").trim().split(" ")) {
            sum += Long.parseLong(bucket.substring(bucket.indexOf(':') + 1));
        }
        return sum;
    }

    private static Instant nextMidnight(MovableClock clock) {
        return LocalDate.ofInstant(clock.instant(), ZONE)
                .plusDays(1)
                .atStartOfDay(ZONE)
                .toInstant();
    }
}
