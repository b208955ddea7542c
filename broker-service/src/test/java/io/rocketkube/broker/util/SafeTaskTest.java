package io.rocketkube.broker.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A periodic task that throws stays scheduled, and its failures are counted. */
class SafeTaskTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** Throws a RuntimeException on the first run and an Error on the second, then works. */
    private static Runnable failingTwice(AtomicInteger runs) {
        return () -> {
            int n = runs.incrementAndGet();
            if (n == 1) {
                throw new IllegalStateException("offsets file locked");
            }
            if (n == 2) {
                throw new OutOfMemoryError("simulated");
            }
        };
    }

    @Test
    void aTaskThatThrowsKeepsItsScheduleAndIsCounted() {
        AtomicInteger runs = new AtomicInteger();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        SafeTask.scheduleWithFixedDelay(
                scheduler, "persist-offsets", failingTwice(runs), meters, 0, 10, TimeUnit.MILLISECONDS);

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 4);
        assertThat(meters.get("rocketkube.broker.task.failures")
                        .tag("task", "persist-offsets")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void withoutTheWrapperTheSchedulerSilentlyDropsTheTask() {
        // What Broker did before: the first exception cancels the periodic task for good.
        AtomicInteger runs = new AtomicInteger();
        var future = scheduler.scheduleWithFixedDelay(failingTwice(runs), 0, 10, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(future::isDone);
        assertThat(runs.get()).isEqualTo(1);
    }
}
