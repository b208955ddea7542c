package io.rocketkube.broker.it;

import java.nio.file.Path;

/** {@link Cluster} for test packages outside {@code it} (benchmarks). */
public final class ClusterAccess implements AutoCloseable {
    private final Cluster cluster;

    private ClusterAccess(Cluster cluster) {
        this.cluster = cluster;
    }

    public static ClusterAccess start(Path dir) throws Exception {
        return new ClusterAccess(new Cluster(dir));
    }

    public String namesrvAddr() {
        return cluster.namesrvAddr();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
