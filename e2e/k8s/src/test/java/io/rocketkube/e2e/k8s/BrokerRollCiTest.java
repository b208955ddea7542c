package io.rocketkube.e2e.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CI-sized {@link BrokerRollScenario} (issue 18's must-show "the operator's roll of a
 * master/slave group whose master holds more than 4 MiB completes, slave first, with the gate
 * reading the real lag"): one NameServer and one SYNC_MASTER group, so three pod JVMs. The slave
 * is replaced first and waited for, then the master after its writes were stopped; nothing
 * acknowledged is lost. {@link BrokerRollTest} runs the whole example (slow).
 */
class BrokerRollCiTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension(BrokerRollScenario.OPERATOR);

    @Test
    void aConfigChangeRollsTheSlaveThenTheMasterAndLosesNothing() throws Exception {
        new BrokerRollScenario(STAND_IN.cluster(), 1, 1).run();
    }
}
