package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import io.rocketkube.e2e.testkit.E2eLayout;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scale the NameServers 2 → 3 with kubectl: no broker restarts (same PIDs, restartCount 0), and
 * every broker (masters and slaves) is registered with the new pod, asked at its own address,
 * within 30 s of that pod becoming Ready. The brokers find it because they resolve the headless
 * Service name afresh before each registration, and the stand-in's hosts file adds the new pod.
 */
@Tag("slow")
class ScaleNameServersTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void everyBrokerRegistersWithTheNewNameServerWithoutRestarting() throws Exception {
        cluster()
                .kubectl()
                .run(
                        "apply",
                        "-n",
                        "mq",
                        "-f",
                        E2eLayout.root()
                                .resolve("deploy/examples/rocketcluster.yaml")
                                .toString())
                .orThrow();
        await("Ready")
                .atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> ready().equals("True 2/2"));
        Map<String, Long> brokerPids = new HashMap<>();
        for (String pod : List.of("orders-broker-0-0", "orders-broker-0-1", "orders-broker-1-0", "orders-broker-1-1")) {
            brokerPids.put(pod, cluster().runner().pid("mq", pod));
        }
        Set<String> before = nameServerPods();

        StandInCluster.patchOrders(cluster(), "mq", "{\"spec\":{\"nameServer\":{\"replicas\":3}}}");
        await("a third NameServer pod Ready")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> nameServerPods().size() == 3 && newPodReady(before));
        long readyAt = System.nanoTime();
        String newPod = nameServerPods().stream()
                .filter(p -> !before.contains(p))
                .findFirst()
                .orElseThrow();
        String address = cluster().runner().podIp("mq", newPod) + ":9876";

        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(address);
        admin.setInstanceName("k8s-ns-" + System.nanoTime());
        admin.start();
        try {
            await("all four brokers registered with " + newPod)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        ClusterInfo info = admin.examineBrokerClusterInfo();
                        return info.getBrokerAddrTable().values().stream()
                                        .mapToInt(b -> b.getBrokerAddrs().size())
                                        .sum()
                                == 4;
                    });
            System.out.println("brokers registered with the new NameServer "
                    + Duration.ofNanos(System.nanoTime() - readyAt).toMillis() + " ms after it was Ready");
        } finally {
            admin.shutdown();
        }
        for (Map.Entry<String, Long> broker : brokerPids.entrySet()) {
            assertThat(cluster().runner().pid("mq", broker.getKey()))
                    .as(broker.getKey())
                    .isEqualTo(broker.getValue());
            Pod pod = cluster()
                    .client()
                    .pods()
                    .inNamespace("mq")
                    .withName(broker.getKey())
                    .get();
            assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount())
                    .as(broker.getKey())
                    .isZero();
        }
    }

    private static String ready() {
        return cluster()
                .kubectl()
                .run(
                        "get",
                        "rkc",
                        "orders",
                        "-n",
                        "mq",
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.groupsReady}")
                .output()
                .trim();
    }

    private static Set<String> nameServerPods() {
        return cluster().client().pods().inNamespace("mq").list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .filter(n -> n.startsWith("orders-namesrv-"))
                .collect(Collectors.toSet());
    }

    private static boolean newPodReady(Set<String> before) {
        return cluster().client().pods().inNamespace("mq").list().getItems().stream()
                .filter(p -> p.getMetadata().getName().startsWith("orders-namesrv-")
                        && !before.contains(p.getMetadata().getName()))
                .anyMatch(p -> p.getStatus() != null
                        && p.getStatus().getConditions() != null
                        && p.getStatus().getConditions().stream()
                                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
