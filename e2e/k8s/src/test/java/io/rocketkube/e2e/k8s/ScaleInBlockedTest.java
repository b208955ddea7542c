package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.startsWith;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19's must-show, CI-sized (one NameServer, two groups of a master only: three pod JVMs),
 * driven by the real reconciler against real broker processes: scale two groups to one with
 * {@code kubectl patch} while the official 4.9.8 producer writes and its push consumer is
 * suspended (it lags). The leaving group {@code orders-broker-1} stays, with
 * {@code ScaleDownBlocked=True} and reason {@code MessagesRemaining} naming the backlog, for as long
 * as the consumer lags; once it resumes and catches up the group is deleted and the cluster is
 * Ready with one group; the checker reads every acknowledged message back (a group deleted with
 * its backlog would lose them).
 */
class ScaleInBlockedTest {

    private static final String NS = "mq";
    private static final String LEAVING = "orders-broker-1";

    @RegisterExtension
    static final StandInExtension STAND_IN =
            new StandInExtension(Map.of("rocketkube.operator.route-refresh-period", "5s"));

    @Test
    void aLeavingGroupWaitsForItsLaggingConsumerThenGoesAndNothingIsLost() throws Exception {
        long t0 = System.nanoTime();
        StandInCluster.applyExample(
                cluster(),
                NS,
                yaml -> yaml.replace("replicas: 2", "replicas: 1")
                        .replace("replicasPerGroup: 2", "replicasPerGroup: 1"));
        StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
        try (Traffic traffic = new Traffic("orders-namesrv.mq.svc:9876", "k8s-drain", 256)) {
            traffic.start(1);
            traffic.awaitSendsTo(List.of("orders-broker-0", LEAVING), Duration.ofMinutes(1));
            // The consumer must hold the leaving group's queues before it is suspended: a suspended push
            // consumer does not rebalance, so one that has not yet taken them never commits an offset
            // there, and the operator rightly reports a topic without a consumer instead.
            traffic.awaitConsumedFrom(List.of("orders-broker-0", LEAVING), Duration.ofMinutes(1));
            traffic.suspendConsumer();
            traffic.awaitSendsTo(List.of(LEAVING), Duration.ofMinutes(1));

            long patched = System.nanoTime();
            StandInCluster.patchOrders(cluster(), NS, "{\"spec\":{\"broker\":{\"groups\":1}}}");
            await("scale-in blocked by the lagging consumer")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(500))
                    .until(ScaleInBlockedTest::blocked, startsWith("True MessagesRemaining "));
            String reason = blocked();
            System.out.println("blocked after " + millis(patched, System.nanoTime()) + " ms: " + reason);
            assertThat(reason).contains(LEAVING).contains("k8s-drain");
            // It stays blocked, the group there, through several busy intervals of the operator (1 s):
            // the backlog does not drain by itself, and nothing deletes it meanwhile.
            await("still blocked, " + LEAVING + " kept")
                    .during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> blocked().startsWith("True MessagesRemaining ") && statefulSetExists());

            long resumed = System.nanoTime();
            traffic.resumeConsumer();
            await(LEAVING + " removed after the drain")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> !statefulSetExists());
            System.out.println("removed " + millis(resumed, System.nanoTime()) + " ms after the consumer resumed");
            StandInCluster.awaitReady(cluster(), NS, "orders", "1/1");
            traffic.awaitSendsTo(List.of("orders-broker-0"), Duration.ofSeconds(30));
            traffic.stopSending();
            traffic.awaitAllConsumed(Duration.ofMinutes(1));
            System.out.printf(
                    "acknowledged %d, consumed %d distinct, sends failed %d; scenario %d ms%n",
                    traffic.acknowledged(),
                    traffic.consumedDistinct(),
                    traffic.failedSends(),
                    millis(t0, System.nanoTime()));
        }
    }

    /** "status reason message" of the ScaleDownBlocked condition, or blank without one. */
    private static String blocked() {
        return cluster()
                .kubectl()
                .run(
                        "get",
                        "rkc",
                        "orders",
                        "-n",
                        NS,
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"ScaleDownBlocked\")].status}"
                                + " {.status.conditions[?(@.type==\"ScaleDownBlocked\")].reason}"
                                + " {.status.conditions[?(@.type==\"ScaleDownBlocked\")].message}")
                .output()
                .trim();
    }

    private static boolean statefulSetExists() {
        return cluster()
                        .client()
                        .apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName(LEAVING)
                        .get()
                != null;
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
