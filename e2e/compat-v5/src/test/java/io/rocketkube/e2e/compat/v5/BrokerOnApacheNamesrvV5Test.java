package io.rocketkube.e2e.compat.v5;

import io.rocketkube.e2e.compat.BrokerOnNamesrvScenario;
import io.rocketkube.e2e.testkit.NamesrvKind;

/** The 4.9.7 broker with the official 5.3.3 clients and admin, on the Apache NameServer. */
class BrokerOnApacheNamesrvV5Test extends BrokerOnNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.APACHE;
    }
}
