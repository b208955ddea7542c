package io.rocketkube.e2e.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * Closed-loop synchronous sends of 1 KiB messages from {@code threads} threads sharing one official
 * 4.9.8 DefaultMQProducer (as Apache's benchmark Producer does). Sends completing during the
 * warm-up are not counted; a send that throws or answers other than SEND_OK is an error.
 */
final class SendLoad {

    static final int BODY_BYTES = 1024;

    /** {@code sends} and the latencies are those of the measured window; {@code allSends} includes the warm-up. */
    record Result(int threads, long sends, long allSends, long errors, Duration measured, Latencies latencies) {
        double perSecond() {
            return sends / (measured.toNanos() / 1e9);
        }
    }

    private SendLoad() {}

    static Result run(DefaultMQProducer producer, String topic, int threads, Duration warmup, Duration duration)
            throws InterruptedException {
        byte[] body = new byte[BODY_BYTES];
        ThreadLocalRandom.current().nextBytes(body);
        return run(producer, () -> new Message(topic, body), threads, warmup, duration);
    }

    /** The same with each message from {@code messages} (e.g. one with a delay level). */
    static Result run(
            DefaultMQProducer producer, Supplier<Message> messages, int threads, Duration warmup, Duration duration)
            throws InterruptedException {
        return run(
                "send",
                threads,
                () -> producer.send(messages.get()).getSendStatus() == SendStatus.SEND_OK,
                warmup,
                duration);
    }

    /** One send of a closed loop: true where it was acknowledged; an exception counts as an error. */
    @FunctionalInterface
    interface Attempt {
        boolean send() throws Exception;
    }

    /** The closed loop around any send (a transactional one, for instance); threads are named {@code name-<n>}. */
    static Result run(String name, int threads, Attempt attempt, Duration warmup, Duration duration)
            throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        AtomicLong allSends = new AtomicLong();
        long measureFrom = System.nanoTime() + warmup.toNanos();
        long measureTo = measureFrom + duration.toNanos();
        List<Latencies> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Latencies mine = new Latencies();
            perThread.add(mine);
            Thread worker = new Thread(
                    () -> {
                        long myErrors = 0;
                        long mySends = 0;
                        for (long start = System.nanoTime(); start < measureTo; start = System.nanoTime()) {
                            boolean ok;
                            try {
                                ok = attempt.send();
                            } catch (Exception e) {
                                ok = false;
                            }
                            long end = System.nanoTime();
                            if (ok) {
                                mySends++;
                            }
                            if (end >= measureFrom && end < measureTo) {
                                if (ok) {
                                    mine.record(end - start);
                                } else {
                                    myErrors++;
                                }
                            }
                        }
                        errors.addAndGet(myErrors);
                        allSends.addAndGet(mySends);
                    },
                    name + "-" + t);
            worker.start();
            workers.add(worker);
        }
        joinAll(workers);
        Latencies all = Latencies.merge(perThread);
        return new Result(threads, all.count(), allSends.get(), errors.get(), duration, all);
    }

    /** The send of message {@code index} of a fixed count. */
    @FunctionalInterface
    interface IndexedSend {
        void send(long index) throws Exception;
    }

    /**
     * Sends messages {@code 0..count-1} once each from {@code threads} threads (named {@code name-<n>}), each
     * taking the next index, as fast as they go: a backlog to measure something else against, not a load. A
     * send that throws ends its thread.
     */
    static void sendAll(String name, long count, int threads, IndexedSend send) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(
                    () -> {
                        for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            try {
                                send.send(i);
                            } catch (Exception e) {
                                throw new IllegalStateException(name + " send failed", e);
                            }
                        }
                    },
                    name + "-" + t);
            worker.start();
            workers.add(worker);
        }
        joinAll(workers);
    }

    private static void joinAll(List<Thread> workers) throws InterruptedException {
        for (Thread worker : workers) {
            worker.join();
        }
    }
}
