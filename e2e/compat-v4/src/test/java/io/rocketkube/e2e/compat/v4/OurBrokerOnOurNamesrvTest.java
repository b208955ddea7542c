package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.compat.BrokerOnNamesrvScenario;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import io.rocketkube.e2e.testkit.OurBroker;

/** The whole system: our broker on our NameServer, driven by the official 4.9.8 clients and admin. */
class OurBrokerOnOurNamesrvTest extends BrokerOnNamesrvScenario {
    @Override
    protected NamesrvKind namesrvKind() {
        return NamesrvKind.OURS;
    }

    @Override
    protected BrokerNode newBroker(String cluster, String brokerName, String namesrvAddr) {
        return OurBroker.builder("our-broker")
                .clusterName(cluster)
                .brokerName(brokerName)
                .namesrvAddrs(namesrvAddr)
                .build();
    }
}
