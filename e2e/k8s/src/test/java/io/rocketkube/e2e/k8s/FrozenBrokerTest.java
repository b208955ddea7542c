package io.rocketkube.e2e.k8s;

import static io.rocketkube.e2e.k8s.StandInCluster.millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Freeze a master broker with SIGSTOP. With the NameServers' broker expiry shortened to 10 s
 * (mqadmin updateNamesrvConfig brokerExpiryMillis, as an operator would), the frozen master drops
 * out of the routes; its liveness probe (/q/health/live, 10 s × 3, as the operator declares) fails
 * and the kubelet restarts the container in place: SIGTERM, held by the stopped process, then
 * SIGKILL after the pod's grace period, then a new process on the same claim. The Pod object is the
 * same (same uid, restartCount 1): nothing deletes an unresponsive pod. The restarted master
 * registers again and the cluster is Ready. Slow: the declared liveness budget and grace period
 * alone take about a minute.
 */
@Tag("slow")
class FrozenBrokerTest {

  private static final String NS = "mq";
  private static final String POD = "orders-broker-0-0";

  @RegisterExtension
  static final StandInExtension STAND_IN = new StandInExtension();

  @Test
  void aFrozenMasterLeavesTheRoutesAndItsLivenessProbeRestartsItInPlace() throws Exception {
    StandInCluster.applyExample(cluster(), NS, yaml -> yaml);
    StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
    DefaultMQAdminExt admin = new DefaultMQAdminExt();
    admin.setNamesrvAddr("orders-namesrv.mq.svc:9876");
    admin.setInstanceName("k8s-frozen-" + System.nanoTime());
    admin.start();
    try {
      List<String> nameServers = cluster().client().pods().inNamespace(NS).list().getItems()
          .stream()
          .map(p -> p.getMetadata().getName()).filter(n -> n.startsWith("orders-namesrv-"))
          .map(n -> cluster().runner().podIp(NS, n) + ":9876").toList();
      Properties expiry = new Properties();
      expiry.setProperty("brokerExpiryMillis", "10000");
      admin.updateNameServerConfig(expiry, nameServers);
      await("master of orders-broker-0 routed").atMost(Duration.ofSeconds(60))
          .ignoreExceptions().until(() -> masterRouted(admin));

      String uid = pod().getMetadata().getUid();
      long frozen = cluster().runner().pid(NS, POD);
      assertThat(frozen).isPositive();
      assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(frozen)).start().waitFor())
          .isZero();
      long stoppedAt = System.nanoTime();

      await("frozen master dropped from the routes").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> !masterRouted(admin));
      long dropped = System.nanoTime();
      await("liveness restart of " + POD).atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> cluster().runner().pid(NS, POD) != frozen);
      long restarted = System.nanoTime();
      assertThat(ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      await(POD + " status shows the restart").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            Pod p = pod();
            assertThat(p).as("pod " + POD).isNotNull();
            assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount())
                .as(Serialization.asJson(p.getStatus())).isGreaterThanOrEqualTo(1);
          });
      assertThat(pod().getMetadata().getUid()).as("the same Pod object, restarted in place")
          .isEqualTo(uid);

      await("restarted master routed again").atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> masterRouted(admin));
      StandInCluster.awaitReady(cluster(), NS, "orders", "2/2");
      assertThat(pod().getMetadata().getUid()).isEqualTo(uid);
      System.out.printf("SIGSTOP: dropped from routes after %d ms, container restarted after %d ms,"
          + " Ready again after %d ms%n", millis(stoppedAt, dropped), millis(stoppedAt, restarted),
          millis(stoppedAt, System.nanoTime()));
    } finally {
      admin.shutdown();
    }
  }

  private static boolean masterRouted(DefaultMQAdminExt admin) throws Exception {
    ClusterInfo info = admin.examineBrokerClusterInfo();
    BrokerData data = info.getBrokerAddrTable().get("orders-broker-0");
    return data != null && data.getBrokerAddrs().containsKey(0L);
  }

  private static Pod pod() {
    return cluster().client().pods().inNamespace(NS).withName(POD).get();
  }

  private static ClusterStandIn cluster() {
    return STAND_IN.cluster();
  }
}
