package io.rocketkube.e2e.k8s;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link FrozenBrokerScenario} with everything as the operator renders it: the NameServers' own
 * 120 s broker expiry (10 s scan), the broker's liveness probe and 60 s grace period. One NameServer
 * and one broker (no slave: the scenario is about the frozen master). The liveness restart (about
 * 30 s of failed probes plus the 60 s grace) comes before the 120 s expiry, so the master leaves
 * the routes when its container is killed and its connections close, not by expiry; the test
 * bounds it by the expiry and reports both. Slow: about two minutes of frozen broker alone.
 */
@Tag("slow")
class FrozenBrokerRealExpiryTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void aFrozenMasterWithTheRenderedDefaultsLeavesTheRoutesAndIsRestartedInPlace() throws Exception {
        new FrozenBrokerScenario(STAND_IN.cluster(), 1, 1, 1, null).run();
    }
}
