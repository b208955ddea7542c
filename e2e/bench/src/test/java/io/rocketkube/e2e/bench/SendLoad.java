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
                                ok = producer.send(messages.get()).getSendStatus() == SendStatus.SEND_OK;
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
                    "send-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        Latencies all = Latencies.merge(perThread);
        return new Result(threads, all.count(), allSends.get(), errors.get(), duration, all);
    }
}
