package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.BrokerOnNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

/** The real test: the official 4.9.7 broker and 4.9.8 clients against our NameServer. */
class BrokerOnOurNamesrvTest extends BrokerOnNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.OURS;
    }
}
