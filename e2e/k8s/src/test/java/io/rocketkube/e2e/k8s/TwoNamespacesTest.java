package io.rocketkube.e2e.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.cluster.ClusterStandIn;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.body.ClusterInfo;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two RocketClusters of the same name, {@code orders}, in namespaces {@code east} and
 * {@code west} (the example cut to one NameServer and one broker, to fit two clusters on the
 * stand-in): each has its own NameServer Service, and its NameServer knows only its own broker,
 * whose address is a pod of its own namespace; a topic created by a send in {@code east} is
 * routed by east's NameServer and unknown to west's. Slow: two clusters come up.
 */
@Tag("slow")
class TwoNamespacesTest {

    @RegisterExtension
    static final StandInExtension STAND_IN = new StandInExtension();

    @Test
    void twoClustersOfTheSameNameInTwoNamespacesAreIsolated() throws Exception {
        for (String ns : new String[] {"east", "west"}) {
            // As a user would (kubectl posts it as protobuf; the stand-in's front reads it).
            cluster().kubectl().run("create", "namespace", ns).orThrow();
            StandInCluster.applyExample(
                    cluster(),
                    ns,
                    yaml -> yaml.replace("replicas: 2", "replicas: 1")
                            .replace("groups: 2", "groups: 1")
                            .replace("replicasPerGroup: 2", "replicasPerGroup: 1"));
        }
        StandInCluster.awaitReady(cluster(), "east", "orders", "1/1");
        StandInCluster.awaitReady(cluster(), "west", "orders", "1/1");

        DefaultMQAdminExt east = admin("orders-namesrv.east.svc:9876");
        DefaultMQAdminExt west = admin("orders-namesrv.west.svc:9876");
        DefaultMQProducer producer = new DefaultMQProducer("k8s-ns-producer");
        producer.setNamesrvAddr("orders-namesrv.east.svc:9876");
        producer.setInstanceName("k8s-ns-" + System.nanoTime());
        producer.start();
        try {
            String eastBroker = cluster().runner().podIp("east", "orders-broker-0-0") + ":10911";
            String westBroker = cluster().runner().podIp("west", "orders-broker-0-0") + ":10911";
            assertThat(eastBroker).isNotEqualTo(westBroker);
            await("each NameServer routes its own broker")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(brokerAddresses(east)).containsExactly(eastBroker);
                        assertThat(brokerAddresses(west)).containsExactly(westBroker);
                    });

            String topic = "k8s-east-only";
            await("a send in east creates " + topic)
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer.send(new Message(topic, "t", "k", "east".getBytes(StandardCharsets.UTF_8)))
                                    .getSendStatus()
                            == SendStatus.SEND_OK);
            await("east routes " + topic)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() ->
                            !east.examineTopicRouteInfo(topic).getQueueDatas().isEmpty());
            assertThat(east.examineTopicRouteInfo(topic).getBrokerDatas())
                    .allSatisfy(b -> assertThat(b.getBrokerAddrs().values()).containsOnly(eastBroker));
            assertThatThrownBy(() -> west.examineTopicRouteInfo(topic))
                    .isInstanceOfSatisfying(
                            MQClientException.class,
                            e -> assertThat(e.getResponseCode())
                                    .as("TOPIC_NOT_EXIST")
                                    .isEqualTo(ResponseCode.TOPIC_NOT_EXIST));
            assertThat(brokerAddresses(west)).containsExactly(westBroker);
        } finally {
            producer.shutdown();
            east.shutdown();
            west.shutdown();
        }
    }

    private static DefaultMQAdminExt admin(String nameServer) throws Exception {
        DefaultMQAdminExt admin = new DefaultMQAdminExt();
        admin.setNamesrvAddr(nameServer);
        admin.setInstanceName("k8s-ns-admin-" + nameServer + System.nanoTime());
        admin.start();
        return admin;
    }

    private static Set<String> brokerAddresses(DefaultMQAdminExt admin) throws Exception {
        ClusterInfo info = admin.examineBrokerClusterInfo();
        return info.getBrokerAddrTable().values().stream()
                .flatMap(b -> b.getBrokerAddrs().values().stream())
                .collect(Collectors.toSet());
    }

    private static ClusterStandIn cluster() {
        return STAND_IN.cluster();
    }
}
