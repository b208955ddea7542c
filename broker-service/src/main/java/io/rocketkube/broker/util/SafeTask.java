package io.rocketkube.broker.util;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A periodic task that survives its own failures. A {@link ScheduledExecutorService} cancels a periodic
 * task for good after its first uncaught exception, silently (the exception sits in a future nobody
 * reads): offset persistence or NameServer registration would stop on one bad round. This wrapper
 * catches any Throwable, logs it, counts it in {@code rocketkube.broker.task.failures{task=...}}, and
 * returns normally so the schedule goes on.
 */
public final class SafeTask implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SafeTask.class);

    private final String name;
    private final Runnable task;
    private final Counter failures;

    public SafeTask(String name, Runnable task, MeterRegistry meters) {
        this.name = name;
        this.task = task;
        this.failures = Counter.builder("rocketkube.broker.task.failures")
                .tag("task", name)
                .description("runs of a periodic broker task that threw; the task stays scheduled")
                .register(meters);
    }

    /** Schedules {@code task} with a fixed delay, wrapped. */
    public static ScheduledFuture<?> scheduleWithFixedDelay(
            ScheduledExecutorService scheduler,
            String name,
            Runnable task,
            MeterRegistry meters,
            long initialDelay,
            long delay,
            TimeUnit unit) {
        return scheduler.scheduleWithFixedDelay(new SafeTask(name, task, meters), initialDelay, delay, unit);
    }

    @Override
    public void run() {
        try {
            task.run();
        } catch (Throwable e) {
            failures.increment();
            LOG.error(
                    "periodic task {} failed ({} failures so far); it stays scheduled",
                    name,
                    (long) failures.count(),
                    e);
        }
    }

    /** Failed runs so far. */
    public long failures() {
        return (long) failures.count();
    }
}
