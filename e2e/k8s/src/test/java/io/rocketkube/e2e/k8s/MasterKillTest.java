package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.millis;
import static io.rocketkube.e2e.k8s.StandInCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.util.List;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a SYNC_MASTER pod's process while the official 4.9.8 producer sends
 * continuously. The push consumer is suspended first so that the master's group holds a backlog;
 * resumed at the kill, it receives that group's messages from the slave while the master is down
 * (the failover time: kill to the first message of the killed master's group consumed, before the
 * restarted master is Ready). The pod runner restarts the container in place on the same claim
 * (same Pod, restartCount 1), it becomes Ready again (the restart-to-Ready time), takes sends
 * again, and a checker finds every acknowledged message consumed (duplicates allowed).
 */
@Tag("slow")
class MasterKillTest {

    private static final String NS = "mq";
    private static final String POD = "orders-broker-0-0";

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void aKilledMasterRestartsOnItsDataWhileTheSlaveServesItsConsumers() throws Exception {
        StandInCluster.applyExample(cluster(), NS, yaml -> yaml.replace("role: ASYNC_MASTER", "role: SYNC_MASTER"));
        StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr("orders-namesrv.mq.svc:9876");
        admin.setInstanceName("k8s-kill-admin-" + System.nanoTime());
        admin.start();
        try (Traffic traffic = new Traffic("orders-namesrv.mq.svc:9876", "k8s-kill", 256)) {
            traffic.start(2);
            traffic.awaitSendsTo(List.of("orders-broker-0", "orders-broker-1"), Duration.ofMinutes(1));
            // The slave serves the group's reads only once it is routed and has the topic, which it
            // copies from its master every few seconds (a slave refuses pulls of a topic it lacks, as
            // Apache's does): the topic was just created by the first send.
            await("slave of orders-broker-0 routed, with topic k8s-kill")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        String slave = admin.examineBrokerClusterInfo()
                                .getBrokerAddrTable()
                                .get("orders-broker-0")
                                .getBrokerAddrs()
                                .get(1L);
                        return slave != null
                                && admin.getAllTopicConfig(slave, 3000)
                                        .getTopicConfigTable()
                                        .containsKey("k8s-kill");
                    });
            traffic.suspendConsumer();
            await("a backlog of acknowledged messages")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> traffic.acknowledged() - traffic.consumedDistinct() > 500);

            String uid = pod().getMetadata().getUid();
            long pid = cluster().runner().pid(NS, POD);
            assertThat(new ProcessBuilder("kill", "-9", Long.toString(pid))
                            .start()
                            .waitFor())
                    .isZero();
            long killed = System.nanoTime();
            traffic.resumeConsumer();
            await("messages of orders-broker-0 consumed from its slave")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> traffic.lastConsumedFrom("orders-broker-0") > killed);
            long failover = System.nanoTime();
            boolean masterWasDown = !ready(pod());

            await(POD + " restarted and Ready")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> cluster().runner().pid(NS, POD) != pid && ready(pod()));
            long readyAgain = System.nanoTime();
            Pod pod = pod();
            assertThat(pod.getMetadata().getUid()).as("restarted in place").isEqualTo(uid);
            assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount())
                    .isEqualTo(1);
            traffic.awaitSendsTo(List.of("orders-broker-0", "orders-broker-1"), Duration.ofMinutes(2));
            traffic.stopSending();
            traffic.awaitAllConsumed(Duration.ofMinutes(3));
            System.out.printf(
                    "kill -9 of %s: consumed from its slave after %d ms (master still down:"
                            + " %b); restarted and Ready after %d ms; acknowledged %d, consumed %d distinct,"
                            + " sends failed %d, answered but not SEND_OK %d%n",
                    POD,
                    millis(killed, failover),
                    masterWasDown,
                    millis(killed, readyAgain),
                    traffic.acknowledged(),
                    traffic.consumedDistinct(),
                    traffic.failedSends(),
                    traffic.unacknowledgedSends());
            assertThat(masterWasDown)
                    .as("the slave served before the restarted master was Ready")
                    .isTrue();
        } finally {
            admin.shutdown();
        }
    }

    private static Pod pod() {
        return cluster().client().pods().inNamespace(NS).withName(POD).get();
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
