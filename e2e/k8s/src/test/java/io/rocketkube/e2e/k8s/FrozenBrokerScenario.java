package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Freeze a master broker with SIGSTOP, on the example cut to {@code nameServers} NameServers and
 * {@code groups} groups of {@code replicasPerGroup}. The frozen master drops out of the routes:
 * after the NameServers' broker expiry, or earlier, when the kubelet kills the container and its
 * connections close. Its liveness probe ({@code /q/health/live}, 10 s × 3, timeout 5 s, as the
 * operator renders it) fails and the kubelet restarts the container in place: SIGTERM, held by the
 * stopped process, then SIGKILL after the pod's grace period (60 s), then a new process on the same
 * claim. The Pod object is the same (same uid, restartCount 1): nothing deletes an unresponsive
 * pod. The restarted master registers again and the cluster is Ready.
 *
 * <p>{@code expiry} null keeps the NameServers' own expiry (what the operator renders: 120 s,
 * scanned every 10 s); otherwise it is set with {@code updateNamesrvConfig brokerExpiryMillis},
 * as mqadmin does.
 */
final class FrozenBrokerScenario {

    private static final String NS = "mq";
    private static final String POD = "orders-broker-0-0";
    /** The NameServer's default expiry and scan period (namesrv-service NamesrvConfig). */
    private static final Duration DEFAULT_EXPIRY = Duration.ofSeconds(120);

    private static final Duration SCAN = Duration.ofSeconds(10);

    /** Times from the SIGSTOP, in milliseconds. */
    record Times(long outOfRoutes, long restarted, long ready) {}

    private final ClusterStandIn cluster;
    private final int nameServers;
    private final int groups;
    private final int replicasPerGroup;
    private final Duration expiry;

    FrozenBrokerScenario(ClusterStandIn cluster, int nameServers, int groups, int replicasPerGroup, Duration expiry) {
        this.cluster = cluster;
        this.nameServers = nameServers;
        this.groups = groups;
        this.replicasPerGroup = replicasPerGroup;
        this.expiry = expiry;
    }

    Times run() throws Exception {
        StandInCluster.applyExample(
                cluster,
                NS,
                yaml -> yaml.replace("replicas: 2", "replicas: " + nameServers)
                        .replace("groups: 2", "groups: " + groups)
                        .replace("replicasPerGroup: 2", "replicasPerGroup: " + replicasPerGroup));
        String readyGroups = groups + "/" + groups;
        StandInCluster.awaitReady(cluster, NS, "orders", readyGroups);
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr("orders-namesrv.mq.svc:9876");
        admin.setInstanceName("k8s-frozen-" + System.nanoTime());
        admin.start();
        try {
            List<String> nameServerAddresses = cluster.client().pods().inNamespace(NS).list().getItems().stream()
                    .map(p -> p.getMetadata().getName())
                    .filter(n -> n.startsWith("orders-namesrv-"))
                    .map(n -> cluster.runner().podIp(NS, n) + ":9876")
                    .toList();
            Duration effective = expiry == null ? DEFAULT_EXPIRY : expiry;
            if (expiry != null) {
                Properties update = new Properties();
                update.setProperty("brokerExpiryMillis", Long.toString(expiry.toMillis()));
                admin.updateNameServerConfig(update, nameServerAddresses);
            }
            for (Map.Entry<String, Properties> config :
                    admin.getNameServerConfig(nameServerAddresses).entrySet()) {
                assertThat(config.getValue().getProperty("brokerExpiryMillis"))
                        .as(config.getKey())
                        .isEqualTo(Long.toString(effective.toMillis()));
            }
            await("master of orders-broker-0 routed")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> masterRouted(admin));

            String uid = pod().getMetadata().getUid();
            long frozen = cluster.runner().pid(NS, POD);
            assertThat(frozen).isPositive();
            assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(frozen))
                            .start()
                            .waitFor())
                    .isZero();
            long stoppedAt = System.nanoTime();

            // The expiry plus a scan plus slack for a loaded machine; the kill may come first.
            await("frozen master dropped from the routes")
                    .atMost(effective.plus(SCAN).plusSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> !masterRouted(admin));
            long dropped = System.nanoTime();
            await("liveness restart of " + POD)
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> cluster.runner().pid(NS, POD) != frozen);
            long restarted = System.nanoTime();
            assertThat(ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            await(POD + " status shows the restart")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        Pod p = pod();
                        assertThat(p).as("pod " + POD).isNotNull();
                        assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount())
                                .as(Serialization.asJson(p.getStatus()))
                                .isGreaterThanOrEqualTo(1);
                    });
            assertThat(pod().getMetadata().getUid())
                    .as("the same Pod object, restarted in place")
                    .isEqualTo(uid);

            await("restarted master routed again")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> masterRouted(admin));
            StandInCluster.awaitReady(cluster, NS, "orders", readyGroups);
            assertThat(pod().getMetadata().getUid()).isEqualTo(uid);
            Times times = new Times(
                    millis(stoppedAt, dropped), millis(stoppedAt, restarted), millis(stoppedAt, System.nanoTime()));
            System.out.printf(
                    "SIGSTOP (expiry %d s): dropped from routes after %d ms, container"
                            + " restarted after %d ms, Ready again after %d ms%n",
                    effective.toSeconds(), times.outOfRoutes(), times.restarted(), times.ready());
            return times;
        } finally {
            admin.shutdown();
        }
    }

    private static boolean masterRouted(DefaultMQAdminExt admin) throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        BrokerData data = info.getBrokerAddrTable().get("orders-broker-0");
        return data != null && data.getBrokerAddrs().containsKey(0L);
    }

    private Pod pod() {
        return cluster.client().pods().inNamespace(NS).withName(POD).get();
    }
}
