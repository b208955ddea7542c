package io.rocketkube.e2e.compat.v4;

import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/** Harness check on the Apache 4.9.7 NameServer, whose expiry is fixed at 120 s: slow. */
@Tag("slow")
@Timeout(400)
class BrokerLivenessOnApacheNamesrvTest extends BrokerLivenessScenario {

    @Override
    NameServerNode startNamesrv() {
        return NamesrvKind.APACHE.start("namesrv-liveness");
    }

    @Override
    Duration brokerExpiry() {
        return Duration.ofSeconds(120);
    }
}
