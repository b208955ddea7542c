package io.rocketkube.e2e.testkit;

/**
 * A broker running as a child process: Apache's 4.9.7 or (later) ours. Like {@link NameServerNode},
 * its address and store directory are fixed when it is built, so stop then start is a restart in
 * place.
 */
public interface BrokerNode extends AutoCloseable {

    String clusterName();

    String brokerName();

    /** Address clients use, {@code host:port}, as registered with the NameServer. */
    String address();

    /** Starts the process and waits until its port accepts connections. */
    void start();

    /** SIGTERM to our own child (the broker unregisters and flushes), SIGKILL after a grace period. */
    void stop();

    ChildProcess process();

    String kind();

    @Override
    default void close() {
        stop();
    }
}
