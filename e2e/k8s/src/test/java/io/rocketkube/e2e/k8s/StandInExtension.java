package io.rocketkube.e2e.k8s;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stand-in per test class ({@code @RegisterExtension static}): started before the class's
 * first test, stopped (every process by its PID) after its last, also when a test failed.
 */
final class StandInExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, String> operatorProperties;
    private ClusterStandIn cluster;

    StandInExtension() {
        this(Map.of());
    }

    /** With more operator properties on top of {@link StandInCluster}'s defaults. */
    StandInExtension(Map<String, String> operatorProperties) {
        this.operatorProperties = Map.copyOf(operatorProperties);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        cluster = StandInCluster.start(operatorProperties);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    ClusterStandIn cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the stand-in runs only while the test class does");
        }
        return cluster;
    }
}
