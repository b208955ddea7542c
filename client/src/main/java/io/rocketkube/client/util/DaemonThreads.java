package io.rocketkube.client.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon threads of our servers and libraries: none of them may keep a JVM alive after its
 * composition root stopped (a test, a Quarkus shutdown), and every one carries a name that says what it
 * does in a thread dump.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** A daemon thread named {@code name}, not started. */
    public static Thread newThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Daemon threads all named {@code name}: for single-thread executors and timers. */
    public static ThreadFactory named(String name) {
        return body -> newThread(name, body);
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: for pools. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return body -> newThread(prefix + "-" + counter.incrementAndGet(), body);
    }
}
