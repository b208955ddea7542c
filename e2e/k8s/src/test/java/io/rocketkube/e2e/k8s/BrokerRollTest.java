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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Change a broker setting of a running SYNC_MASTER cluster (the example with {@code role:
 * SYNC_MASTER}) with {@code kubectl patch} while the official 4.9.8 producer sends continuously
 * and a push consumer consumes, each master holding more than 4 MiB of CommitLog before the roll
 * starts. The operator rolls the brokers: per group the slave first, then the master, one pod at a
 * time, each replacement Ready before the next pod goes; before each master it stops the master's
 * writes and waits one route refresh (5 s here, the clients poll routes every second), and gives
 * writes back after. The roll completes (every broker pod on the new configuration, the cluster
 * Ready) and every acknowledged message is consumed. Issue 18's "operator against real brokers"
 * (the gate reads the real replication lag) and issue 19's "master restarted in a roll".
 */
@Tag("slow")
class BrokerRollTest {

  private static final String NS = "mq";
  private static final List<String> BROKERS = List.of("orders-broker-0-0", "orders-broker-0-1",
      "orders-broker-1-0", "orders-broker-1-1");

  @RegisterExtension
  static final StandInExtension STAND_IN = new StandInExtension(
      Map.of("rocketkube.operator.route-refresh-period", "5s"));

  /** A pod replacement seen by polling the store: the old pod's uid went, a new one came. */
  record Replacement(String pod, long goneAtNanos, long readyAtNanos) {
  }

  @Test
  void aConfigChangeRollsSlaveThenMasterOnePodAtATimeAndLosesNothing() throws Exception {
    StandInCluster.applyExample(cluster(), NS,
        yaml -> yaml.replace("role: ASYNC_MASTER", "role: SYNC_MASTER"));
    Duration toReady = StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
    System.out.println("kubectl apply to Ready (SYNC_MASTER): " + toReady.toMillis() + " ms");
    DefaultMQAdminExt admin = new DefaultMQAdminExt();
    admin.setNamesrvAddr("orders-namesrv.mq.svc:9876");
    admin.setInstanceName("k8s-roll-admin-" + System.nanoTime());
    admin.start();
    Traffic traffic = new Traffic("orders-namesrv.mq.svc:9876", "k8s-roll", 4096);
    ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
    try {
      traffic.start(2);
      await("both masters hold more than 4 MiB").atMost(Duration.ofMinutes(4))
          .pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
            ClusterInfo info = admin.examineBrokerClusterInfo();
            for (String group : List.of("orders-broker-0", "orders-broker-1")) {
              String master = info.getBrokerAddrTable().get(group).getBrokerAddrs().get(0L);
              long offset = Long.parseLong(admin.fetchBrokerRuntimeStats(master).getTable()
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
      watcher.scheduleWithFixedDelay(() -> watch(uids, goneAt, replaced), 0, 200,
          TimeUnit.MILLISECONDS);
      long rollStart = System.nanoTime();
      cluster().kubectl().run("patch", "rkc", "orders", "-n", NS, "--type", "merge", "-p",
          "{\"spec\":{\"broker\":{\"config\":{\"io-threads\":\"2\"}}}}").orThrow();
      await("every broker pod replaced and Ready").atMost(Duration.ofMinutes(8))
          .pollInterval(Duration.ofSeconds(1)).until(() -> replaced.size() == BROKERS.size());
      StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
      long rollEnd = System.nanoTime();
      watcher.shutdownNow();

      List<Replacement> order = new ArrayList<>(replaced.values());
      order.sort(Comparator.comparingLong(Replacement::goneAtNanos));
      for (Replacement r : order) {
        System.out.printf("  %s deleted at +%d ms, replacement Ready at +%d ms%n", r.pod(),
            millis(rollStart, r.goneAtNanos()), millis(rollStart, r.readyAtNanos()));
      }
      System.out.println("roll of four brokers: " + millis(rollStart, rollEnd) + " ms");
      assertThat(order).extracting(Replacement::pod).containsExactly("orders-broker-0-1",
          "orders-broker-0-0", "orders-broker-1-1", "orders-broker-1-0");
      for (int i = 1; i < order.size(); i++) {
        assertThat(order.get(i).goneAtNanos()).as("%s went only after %s was Ready again",
            order.get(i).pod(), order.get(i - 1).pod())
            .isGreaterThan(order.get(i - 1).readyAtNanos());
      }
      String hash = cluster().client().apps().statefulSets().inNamespace(NS)
          .withName("orders-broker-0").get().getSpec().getTemplate().getMetadata()
          .getAnnotations().get("rocketkube.io/config-hash");
      for (String name : BROKERS) {
        assertThat(cluster().client().pods().inNamespace(NS).withName(name).get().getMetadata()
            .getAnnotations()).as(name).containsKey("rocketkube.io/config-hash");
      }
      assertThat(pod("orders-broker-0-0").getMetadata().getAnnotations())
          .containsEntry("rocketkube.io/config-hash", hash);
      for (String master : List.of("orders-broker-0-0", "orders-broker-1-0")) {
        assertThat(reasonsAbout(master)).as(master).containsSubsequence("StoppedMasterWrites",
            "RestartingMaster", "RestoredMasterWrites");
      }

      // Writes came back: both masters take sends after the roll.
      traffic.awaitSendsTo(List.of("orders-broker-0", "orders-broker-1"), Duration.ofMinutes(2));
      traffic.stopSending();
      traffic.awaitAllConsumed(Duration.ofMinutes(3));
      System.out.printf("acknowledged %d, consumed %d distinct, sends failed %d, answered but not"
          + " SEND_OK %d%n", traffic.acknowledged(), traffic.consumedDistinct(),
          traffic.failedSends(), traffic.unacknowledgedSends());
      // No send failed outright: before each master went, its writes had moved to the other group.
      assertThat(traffic.failedSends()).isZero();
    } finally {
      watcher.shutdownNow();
      traffic.close();
      admin.shutdown();
    }
  }

  private static void watch(Map<String, String> before, Map<String, Long> goneAt,
      Map<String, Replacement> replaced) {
    long now = System.nanoTime();
    for (String name : BROKERS) {
      if (replaced.containsKey(name)) {
        continue;
      }
      Pod pod = cluster().client().pods().inNamespace(NS).withName(name).get();
      boolean old = pod != null && pod.getMetadata().getUid().equals(before.get(name));
      if (!old) {
        goneAt.putIfAbsent(name, now);
      }
      if (pod != null && !old && ready(pod)) {
        replaced.put(name, new Replacement(name, goneAt.get(name), now));
      }
    }
  }

  private static Map<String, String> uids() {
    Map<String, String> uids = new ConcurrentHashMap<>();
    for (String name : BROKERS) {
      uids.put(name, pod(name).getMetadata().getUid());
    }
    return uids;
  }

  private static Pod pod(String name) {
    return cluster().client().pods().inNamespace(NS).withName(name).get();
  }

  /** Reasons of the operator's Events naming {@code pod}, oldest first (second precision). */
  private static List<String> reasonsAbout(String pod) {
    return cluster().client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> e.getMessage() != null && e.getMessage().contains(pod + " "))
        .sorted(Comparator.comparing(BrokerRollTest::eventTime))
        .map(Event::getReason).toList();
  }

  private static String eventTime(Event e) {
    return e.getLastTimestamp() != null ? e.getLastTimestamp()
        : e.getFirstTimestamp() != null ? e.getFirstTimestamp()
        : e.getMetadata().getCreationTimestamp();
  }

  private static ClusterStandIn cluster() {
    return STAND_IN.cluster();
  }
}
