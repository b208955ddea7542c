package io.rocketkube.store.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceThreadTest {

    /** A loop whose body is the test's. */
    private static final class Loop extends ServiceThread {
        final LoopMonitor monitor = new LoopMonitor("test-loop", true, Clock.systemUTC());
        final AtomicInteger turns = new AtomicInteger();
        final CountDownLatch parked = new CountDownLatch(1);
        volatile Runnable body = () -> {};

        @Override
        protected LoopMonitor monitor() {
            return monitor;
        }

        @Override
        protected void loop() {
            while (running()) {
                body.run();
                turns.incrementAndGet();
                parked.countDown();
                parkUnless(() -> false, TimeUnit.HOURS.toNanos(1));
            }
        }
    }

    @Test
    void aFailureEscapingTheLoopIsCountedAndTheThreadReportedDead() {
        Loop loop = new Loop();
        loop.body = () -> {
            throw new StackOverflowError("escaped");
        };
        loop.startThread("test-loop");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !loop.monitor.snapshot().alive());
        assertThat(loop.monitor.snapshot().errors()).isEqualTo(1);
        assertThat(loop.monitor.snapshot().lastError()).contains("escaped");
    }

    @Test
    void wakeUpEndsAnIdleParkAndStopJoinsTheThread() throws Exception {
        Loop loop = new Loop();
        loop.startThread("test-loop");
        assertThat(loop.parked.await(10, TimeUnit.SECONDS)).isTrue();

        // Parked for an hour: only wakeUp brings the next turn.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            loop.wakeUp();
            assertThat(loop.turns.get()).isGreaterThanOrEqualTo(2);
        });

        assertThat(loop.stopAndJoin(Duration.ofSeconds(10))).isTrue();
        assertThat(loop.monitor.snapshot().alive()).isFalse();
        assertThat(loop.monitor.snapshot().errors()).isZero();
    }
}
