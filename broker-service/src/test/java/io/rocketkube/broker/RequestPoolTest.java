package io.rocketkube.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.broker.stats.QueueSnapshot;
import io.rocketkube.broker.util.MovableClock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RequestPoolTest {
    @Test
    void reportsQueuedTasksAndHowLongTheOldestHasWaited() throws Exception {
        MovableClock clock = new MovableClock(ZoneOffset.UTC);
        RequestPool pool = new RequestPool(1, 10, clock, Executors.defaultThreadFactory());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try {
            pool.execute(() -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            running.await();
            assertThat(pool.snapshot()).isEqualTo(new QueueSnapshot(0, 10, 0));

            pool.execute(() -> {});
            clock.advance(Duration.ofSeconds(3));
            pool.submit(() -> {});
            pool.execute(() -> {});
            clock.advance(Duration.ofSeconds(2));

            QueueSnapshot queued = pool.snapshot();
            assertThat(queued.size()).isEqualTo(3);
            assertThat(queued.capacity()).isEqualTo(10);
            // The head is the first task queued, 5 s ago (plus the real milliseconds the test took).
            assertThat(queued.headWaitMillis()).isBetween(5_000L, 6_000L);
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.snapshot().size() == 0);
        assertThat(pool.snapshot().headWaitMillis()).isZero();
        pool.shutdown();
    }
}
