package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.OurNamesrv;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

/** Our NameServer with a 4 s broker expiry scanned every 500 ms, so expiry is testable in CI. */
@Timeout(120)
class BrokerLivenessOnOurNamesrvTest extends BrokerLivenessScenario {

    @Override
    NameServerNode startNamesrv() {
        NameServerNode node = OurNamesrv.builder("namesrv-liveness")
                .property("rocketkube.namesrv.broker-expiry", "4s")
                .property("rocketkube.namesrv.scan-interval", "500ms")
                .build();
        node.start();
        return node;
    }

    @Override
    Duration brokerExpiry() {
        return Duration.ofSeconds(4);
    }
}
