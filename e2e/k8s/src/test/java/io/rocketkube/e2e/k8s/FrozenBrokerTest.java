package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI-sized {@link FrozenBrokerScenario}: one NameServer and one broker (two pod JVMs), the
 * NameServer's broker expiry shortened to 10 s, so the frozen master leaves the routes by expiry,
 * well before its liveness probe and 60 s grace period get it killed (about 85 s after the
 * SIGSTOP) and restarted in place. {@link FrozenBrokerRealExpiryTest} keeps the rendered 120 s.
 */
class FrozenBrokerTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void aFrozenMasterLeavesTheRoutesAndItsLivenessProbeRestartsItInPlace() throws Exception {
        FrozenBrokerScenario.Times times =
                new FrozenBrokerScenario(STAND_IN.cluster(), 1, 1, 1, Duration.ofSeconds(10)).run();
        assertThat(times.outOfRoutes())
                .as("out of the routes by expiry, before the restart")
                .isLessThan(times.restarted());
    }
}
