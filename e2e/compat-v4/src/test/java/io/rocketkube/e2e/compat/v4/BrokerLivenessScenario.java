package io.rocketkube.e2e.compat.v4;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.compat.OfficialClients;
import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.NameServerNode;
import java.time.Duration;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How brokers leave a NameServer: a broker killed with SIGKILL (its connection drops) disappears at
 * once, with its topics; a broker that registered once and then stays silent on an open connection
 * is dropped after the broker expiry. Subclasses pick the NameServer and its expiry.
 */
abstract class BrokerLivenessScenario {

    static final String CLUSTER = "RkLivenessCluster";

    NameServerNode namesrv;
    private DefaultMQAdminExt admin;

    /** A started NameServer. */
    abstract NameServerNode startNamesrv();

    /** The NameServer's broker expiry (time without REGISTER_BROKER before a broker is dropped). */
    abstract Duration brokerExpiry();

    @BeforeEach
    void start() throws Exception {
        namesrv = startNamesrv();
        admin = OfficialClients.startAdmin(namesrv.address());
    }

    @AfterEach
    void stop() {
        admin.shutdown();
        namesrv.stop();
    }

    @Test
    void aKilledBrokerIsDroppedWithItsTopicsAtOnce() throws Exception {
        ApacheBroker broker = ApacheBroker.builder("broker-killed")
                .clusterName(CLUSTER)
                .brokerName(unique("rk-killed"))
                .namesrvAddrs(namesrv.address())
                .build();
        String topic = unique("RkKilledTopic");
        try {
            broker.start();
            awaitBrokerRegistered(admin, broker);
            admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(topic, 4, 4, 6));
            OfficialClients.awaitRoute(admin, topic);

            broker.process().kill();

            // Far sooner than any expiry: the connection close alone must remove the broker.
            await("killed broker dropped")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !admin.examineBrokerClusterInfo()
                            .getBrokerAddrTable()
                            .containsKey(broker.brokerName()));
            assertThat(admin.examineBrokerClusterInfo().getClusterAddrTable()).doesNotContainKey(CLUSTER);
            assertNoRoute(topic);
        } finally {
            broker.stop();
        }
    }

    @Test
    void aSilentBrokerExpires() throws Exception {
        String brokerName = unique("rk-silent");
        String topic = unique("RkSilentTopic");
        try (RawBroker silent = new RawBroker(CLUSTER, brokerName, "127.0.0.1:1")) {
            silent.register(namesrv.address(), topic);
            long registeredAt = System.nanoTime();
            OfficialClients.awaitRoute(admin, topic);
            assertThat(admin.examineTopicRouteInfo(topic).getBrokerDatas())
                    .singleElement()
                    .satisfies(data -> assertThat(data.getBrokerName()).isEqualTo(brokerName));

            // Still routed for most of the expiry...
            Duration keep = brokerExpiry().multipliedBy(3).dividedBy(4);
            await("silent broker kept")
                    .during(keep.minus(Duration.ofNanos(System.nanoTime() - registeredAt)))
                    .atMost(keep.plusSeconds(5))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> admin.examineBrokerClusterInfo()
                            .getBrokerAddrTable()
                            .containsKey(brokerName));
            // ...then dropped, route included, while its connection is still open.
            await("silent broker expired")
                    .atMost(brokerExpiry().plusSeconds(20))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !admin.examineBrokerClusterInfo()
                            .getBrokerAddrTable()
                            .containsKey(brokerName));
            assertNoRoute(topic);
        }
    }

    private void assertNoRoute(String topic) {
        try {
            admin.examineTopicRouteInfo(topic);
            throw new AssertionError("route of " + topic + " still exists");
        } catch (MQClientException e) {
            assertThat(e.getResponseCode()).isEqualTo(ResponseCode.TOPIC_NOT_EXIST);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
