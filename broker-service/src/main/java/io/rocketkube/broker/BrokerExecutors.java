package io.rocketkube.broker;

import io.rocketkube.broker.stats.QueueSnapshot;
import io.rocketkube.broker.stats.RequestQueues;
import io.rocketkube.client.util.DaemonThreads;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The broker's threads, one bounded pool per request family (a slow family such as sends waiting on the disk
 * cannot starve heartbeats) plus one scheduler for timers. A full queue makes the remoting layer answer
 * SYSTEM_BUSY instead of buffering without bound. The runtime info reads their queues ({@link RequestQueues}).
 */
final class BrokerExecutors implements AutoCloseable, RequestQueues {
    final RequestPool send;
    final RequestPool pull;
    final RequestPool client;
    /**
     * Heartbeats and client registrations, apart from the offset and lock requests of {@link #client}: a
     * heartbeat naming many new groups writes the group and topic tables, and offset commits must not wait
     * behind it (the reference also gives heartbeats a pool of their own).
     */
    final RequestPool heartbeat;

    final RequestPool admin;
    final ScheduledExecutorService scheduler =
            Executors.newScheduledThreadPool(2, DaemonThreads.numbered("broker-scheduler"));

    BrokerExecutors(Clock clock) {
        send = new RequestPool(2, 10_000, clock, DaemonThreads.numbered("broker-send"));
        pull = new RequestPool(2, 10_000, clock, DaemonThreads.numbered("broker-pull"));
        client = new RequestPool(1, 10_000, clock, DaemonThreads.numbered("broker-client"));
        heartbeat = new RequestPool(1, 10_000, clock, DaemonThreads.numbered("broker-heartbeat"));
        admin = new RequestPool(1, 1_000, clock, DaemonThreads.numbered("broker-admin"));
    }

    @Override
    public QueueSnapshot send() {
        return send.snapshot();
    }

    @Override
    public QueueSnapshot pull() {
        return pull.snapshot();
    }

    /** Message queries run on the admin pool. */
    @Override
    public QueueSnapshot query() {
        return admin.snapshot();
    }

    List<ExecutorService> all() {
        return List.of(send, pull, client, heartbeat, admin, scheduler);
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
            scheduler.submit(() -> {}).get(timeoutMillis, TimeUnit.MILLISECONDS);
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
