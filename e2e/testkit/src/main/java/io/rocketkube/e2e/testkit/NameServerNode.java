package io.rocketkube.e2e.testkit;

/**
 * A NameServer running as a child process: ours or Apache's. The address and the data directory
 * are fixed when the node is built, so {@link #stop()} then {@link #start()} is a restart in place
 * (same address, same persisted KV config), like a pod restarting.
 */
public interface NameServerNode extends AutoCloseable {

    /** Address clients and brokers use, {@code host:port}. */
    String address();

    /** Starts the process and waits until it is ready; fails if it is already running. */
    void start();

    /** SIGTERM to our own child, SIGKILL after a grace period; no-op if not running. */
    void stop();

    /** The current (or last) process; null before the first {@link #start()}. */
    ChildProcess process();

    /** "ours" or "apache-4.9.7", for reports. */
    String kind();

    @Override
    default void close() {
        stop();
    }
}
