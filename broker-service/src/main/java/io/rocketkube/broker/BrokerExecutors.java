package io.rocketkube.broker;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's threads, one bounded pool per request family (a slow family such as sends waiting on the disk
 * cannot starve heartbeats) plus one scheduler for timers. A full queue makes the remoting layer answer
 * SYSTEM_BUSY instead of buffering without bound.
 */
final class BrokerExecutors implements AutoCloseable {
    final ExecutorService send = pool("broker-send", 2, 10_000);
    final ExecutorService pull = pool("broker-pull", 2, 10_000);
    final ExecutorService client = pool("broker-client", 1, 10_000);
    final ExecutorService admin = pool("broker-admin", 1, 1_000);
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, factory("broker-scheduler"));

    private static ExecutorService pool(String name, int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                factory(name));
    }

    private static ThreadFactory factory(String name) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    List<ExecutorService> all() {
        return List.of(send, pull, client, admin, scheduler);
    }

    /**
     * Liveness: no pool has died and the scheduler (which drives registration, offset persistence and
     * long-poll timeouts) runs a task within {@code timeoutMillis}. Request pools are not probed with a
     * task: under load their queues are legitimately long, and that must not get the pod restarted.
     */
    boolean respond(long timeoutMillis) {
        if (all().stream().anyMatch(ExecutorService::isShutdown)) {
            return false;
        }
        try {
            scheduler.submit(() -> { }).get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        all().forEach(ExecutorService::shutdown);
        for (ExecutorService executor : all()) {
            try {
                if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }
}
