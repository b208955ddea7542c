package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.millis;
import static io.rocketkube.e2e.k8s.StandInCluster.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Change a broker setting of a running SYNC_MASTER cluster (the example with {@code role:
 * SYNC_MASTER}, cut to {@code nameServers} NameServers and {@code groups} master/slave groups) with
 * {@code kubectl patch} while the official 4.9.8 producer sends continuously and a push consumer
 * consumes, each master holding more than 4 MiB of CommitLog before the roll starts. The operator
 * rolls the brokers: per group the slave first, then the master, one pod at a time, each
 * replacement Ready before the next pod goes; before each master it stops the master's writes
 * (Events) and waits one route refresh, and gives writes back after. The roll completes (every
 * broker pod on the new configuration, the cluster Ready) and every acknowledged message is
 * consumed. With two groups or more no send may fail: the other group takes a stopped master's
 * writes. With one group, sends fail while its master is down (they are not acknowledged, so the
 * checker does not expect them). Issue 18's "operator against real brokers" (the gate reads the
 * real replication lag: before, it read the slave's lag as the master's whole log and waited
 * forever past 4 MiB) and issue 19's "master restarted in a roll".
 */
final class BrokerRollScenario {

    static final String NS = "mq";
    /** The operator property the test's stand-in needs: a route refresh the clients beat (1 s). */
    static final Map<String, String> OPERATOR = Map.of("rocketkube.operator.route-refresh-period", "5s");

    /** A pod replacement seen by polling the store: the old pod's uid went, a new one came. */
    record Replacement(String pod, long goneAtNanos, long readyAtNanos) {}

    private final ClusterStandIn cluster;
    private final int nameServers;
    private final int groups;
    private final List<String> groupNames = new ArrayList<>();
    /** Broker pods in the order the roll must replace them: per group the slave, then the master. */
    private final List<String> rollOrder = new ArrayList<>();

    BrokerRollScenario(ClusterStandIn cluster, int nameServers, int groups) {
        this.cluster = cluster;
        this.nameServers = nameServers;
        this.groups = groups;
        for (int g = 0; g < groups; g++) {
            groupNames.add("orders-broker-" + g);
            rollOrder.add("orders-broker-" + g + "-1");
            rollOrder.add("orders-broker-" + g + "-0");
        }
    }

    void run() throws Exception {
        long t0 = System.nanoTime();
        StandInCluster.applyExample(
                cluster,
                NS,
                yaml -> yaml.replace("role: ASYNC_MASTER", "role: SYNC_MASTER")
                        .replace("replicas: 2", "replicas: " + nameServers)
                        .replace("groups: 2", "groups: " + groups));
        Duration toReady = StandInCluster.awaitReady(cluster, NS, "orders", groups + "/" + groups);
        System.out.println("kubectl apply to Ready (SYNC_MASTER): " + toReady.toMillis() + " ms");
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr("orders-namesrv.mq.svc:9876");
        admin.setInstanceName("k8s-roll-admin-" + System.nanoTime());
        admin.start();
        Traffic traffic = new Traffic("orders-namesrv.mq.svc:9876", "k8s-roll", 4096);
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        try {
            traffic.start(2);
            await("every master holds more than 4 MiB")
                    .atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> {
                        ClusterInfo info = admin.examineBrokerClusterInfo();
                        for (String group : groupNames) {
                            String master = info.getBrokerAddrTable()
                                    .get(group)
                                    .getBrokerAddrs()
                                    .get(0L);
                            long offset = Long.parseLong(admin.fetchBrokerRuntimeStats(master)
                                    .getTable()
                                    .get("commitLogMaxOffset"));
                            if (offset <= 4L * 1024 * 1024) {
                                return false;
                            }
                        }
                        return true;
                    });
            System.out.println("before the roll: " + traffic.acknowledged() + " acknowledged");

            Map<String, String> uids = uids();
            Map<String, Replacement> replaced = new ConcurrentHashMap<>();
            Map<String, Long> goneAt = new ConcurrentHashMap<>();
            watcher.scheduleWithFixedDelay(() -> watch(uids, goneAt, replaced), 0, 200, TimeUnit.MILLISECONDS);
            long rollStart = System.nanoTime();
            StandInCluster.patchOrders(cluster, NS, "{\"spec\":{\"broker\":{\"config\":{\"io-threads\":\"2\"}}}}");
            await("every broker pod replaced and Ready")
                    .atMost(Duration.ofMinutes(8))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> replaced.size() == rollOrder.size());
            StandInCluster.awaitReady(cluster, NS, "orders", groups + "/" + groups);
            long rollEnd = System.nanoTime();
            watcher.shutdownNow();

            List<Replacement> order = new ArrayList<>(replaced.values());
            order.sort(Comparator.comparingLong(Replacement::goneAtNanos));
            for (Replacement r : order) {
                System.out.printf(
                        "  %s deleted at +%d ms, replacement Ready at +%d ms%n",
                        r.pod(), millis(rollStart, r.goneAtNanos()), millis(rollStart, r.readyAtNanos()));
            }
            System.out.println("roll of " + rollOrder.size() + " brokers: " + millis(rollStart, rollEnd) + " ms");
            assertThat(order).extracting(Replacement::pod).containsExactlyElementsOf(rollOrder);
            for (int i = 1; i < order.size(); i++) {
                assertThat(order.get(i).goneAtNanos())
                        .as(
                                "%s went only after %s was Ready again",
                                order.get(i).pod(), order.get(i - 1).pod())
                        .isGreaterThan(order.get(i - 1).readyAtNanos());
            }
            for (String name : rollOrder) {
                String group = name.substring(0, name.lastIndexOf('-'));
                String hash = cluster.client()
                        .apps()
                        .statefulSets()
                        .inNamespace(NS)
                        .withName(group)
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("rocketkube.io/config-hash");
                assertThat(pod(name).getMetadata().getAnnotations())
                        .as(name)
                        .containsEntry("rocketkube.io/config-hash", hash);
            }
            for (String group : groupNames) {
                String master = group + "-0";
                assertThat(reasonsAbout(master))
                        .as(master)
                        .containsSubsequence("StoppedMasterWrites", "RestartingMaster", "RestoredMasterWrites");
            }

            // Writes came back: every master takes sends after the roll.
            traffic.awaitSendsTo(groupNames, Duration.ofMinutes(2));
            traffic.stopSending();
            traffic.awaitAllConsumed(Duration.ofMinutes(3));
            System.out.printf(
                    "acknowledged %d, consumed %d distinct, sends failed %d, answered but not"
                            + " SEND_OK %d; scenario %d ms%n",
                    traffic.acknowledged(),
                    traffic.consumedDistinct(),
                    traffic.failedSends(),
                    traffic.unacknowledgedSends(),
                    millis(t0, System.nanoTime()));
            if (groups > 1) {
                // No send failed outright: before each master went, its writes had moved to another group.
                assertThat(traffic.failedSends()).isZero();
            }
        } finally {
            watcher.shutdownNow();
            traffic.close();
            admin.shutdown();
        }
    }

    private void watch(Map<String, String> before, Map<String, Long> goneAt, Map<String, Replacement> replaced) {
        long now = System.nanoTime();
        for (String name : rollOrder) {
            if (replaced.containsKey(name)) {
                continue;
            }
            Pod pod = pod(name);
            boolean old = pod != null && pod.getMetadata().getUid().equals(before.get(name));
            if (!old) {
                goneAt.putIfAbsent(name, now);
            }
            if (pod != null && !old && ready(pod)) {
                replaced.put(name, new Replacement(name, goneAt.get(name), now));
            }
        }
    }

    private Map<String, String> uids() {
        Map<String, String> uids = new ConcurrentHashMap<>();
        for (String name : rollOrder) {
            uids.put(name, pod(name).getMetadata().getUid());
        }
        return uids;
    }

    private Pod pod(String name) {
        return cluster.client().pods().inNamespace(NS).withName(name).get();
    }

    /** Reasons of the operator's Events naming {@code pod}, oldest first (second precision). */
    private List<String> reasonsAbout(String pod) {
        return cluster.client().v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> e.getMessage() != null && e.getMessage().contains(pod + " "))
                .sorted(Comparator.comparing(BrokerRollScenario::eventTime))
                .map(Event::getReason)
                .toList();
    }

    private static String eventTime(Event e) {
        return e.getLastTimestamp() != null
                ? e.getLastTimestamp()
                : e.getFirstTimestamp() != null
                        ? e.getFirstTimestamp()
                        : e.getMetadata().getCreationTimestamp();
    }
}
