package io.rocketkube.e2e.k8s;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link BrokerRollScenario} on the whole example (2 NameServers, 2 master/slave groups): the roll
 * goes {@code 0-1}, {@code 0-0}, {@code 1-1}, {@code 1-0}, and no send fails because the other
 * group takes each stopped master's writes. Slow: four broker restarts of a six-pod cluster.
 * {@link BrokerRollCiTest} is the CI-sized case.
 */
@Tag("slow")
class BrokerRollTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension(BrokerRollScenario.OPERATOR);

    @Test
    void aConfigChangeRollsSlaveThenMasterOnePodAtATimeAndLosesNothing() throws Exception {
        new BrokerRollScenario(STAND_IN.cluster(), 2, 2).run();
    }
}
