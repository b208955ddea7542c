package io.rocketkube.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.util.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One cluster's keys never sign a request to an address another cluster claims too. */
class BrokerCredentialsTest {
    private static final AdminCredentials A = new AdminCredentials("rkClusterA", "secretOfA1");
    private static final AdminCredentials B = new AdminCredentials("rkClusterB", "secretOfB1");

    private final MutableClock clock = new MutableClock(Instant.EPOCH);
    private final BrokerCredentials credentials = new BrokerCredentials(clock, Duration.ofMinutes(5));

    @Test
    void anAddressTwoClustersClaimIsSignedByNeitherUntilTheStaleClaimGoes() {
        credentials.update("uid-a", Map.of("10.0.0.1:10911", Optional.of(A), "10.0.0.2:10911", Optional.of(A)));
        assertThat(credentials.forAddress("10.0.0.1:10911")).contains(A);

        // The pod at .1 was deleted and its IP went to cluster B's broker, which has no ACL; A's view is stale.
        credentials.update("uid-b", Map.of("10.0.0.1:10911", Optional.empty()));
        assertThat(credentials.forAddress("10.0.0.1:10911")).isEmpty();
        // B with an ACL of its own: still neither, while A claims the address.
        credentials.update("uid-b", Map.of("10.0.0.1:10911", Optional.of(B)));
        assertThat(credentials.forAddress("10.0.0.1:10911")).isEmpty();
        assertThat(credentials.forAddress("10.0.0.2:10911")).contains(A);

        // A's next reconciliation no longer sees the pod.
        credentials.update("uid-a", Map.of("10.0.0.2:10911", Optional.of(A)));
        assertThat(credentials.forAddress("10.0.0.1:10911")).contains(B);
    }

    @Test
    void aClaimNotRenewedWithinItsLifetimeIsForgotten() {
        credentials.update("uid-a", Map.of("10.0.0.1:10911", Optional.of(A)));
        clock.advance(Duration.ofMinutes(4));
        assertThat(credentials.forAddress("10.0.0.1:10911")).contains(A);
        // Cluster A deleted (no more reconciliations); B takes the IP.
        clock.advance(Duration.ofMinutes(2));
        assertThat(credentials.forAddress("10.0.0.1:10911")).isEmpty();
        credentials.update("uid-b", Map.of("10.0.0.1:10911", Optional.of(B)));
        assertThat(credentials.forAddress("10.0.0.1:10911")).contains(B);
        assertThat(credentials.forAddress("10.9.9.9:10911")).isEmpty();
    }
}
