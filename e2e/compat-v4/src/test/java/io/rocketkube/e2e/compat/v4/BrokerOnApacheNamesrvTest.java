package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.BrokerOnNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

/** Harness check: the same scenario against the official 4.9.7 NameServer must pass too. */
class BrokerOnApacheNamesrvTest extends BrokerOnNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.APACHE;
    }
}
