package io.rocketkube.namesrv;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.DataVersion;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.protocol.TopicConfigSerializeWrapper;
import io.rocketkube.client.protocol.TopicRouteData;
import io.rocketkube.client.util.testing.MutableClock;
import io.rocketkube.namesrv.route.BrokerRegistration;
import io.rocketkube.namesrv.route.ExpiredBroker;
import io.rocketkube.namesrv.route.RegisterResult;
import io.rocketkube.namesrv.route.RouteTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final long EXPIRY = Duration.ofSeconds(120).toMillis();
    private final MutableClock clock = new MutableClock();
    private final RouteTable routes = new RouteTable(clock::millis);
    private final Object masterConnection = new Object();
    private final Object slaveConnection = new Object();

    @Test
    void masterTopicsBecomeRoutesAndSlavesLearnTheirMaster() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1", "T2"));
        RegisterResult slave = routes.register(registration("broker-a", 1, "10.0.0.2:10911", slaveConnection, 1, "T1"));

        assertThat(slave.masterAddr()).isEqualTo("10.0.0.1:10911");
        assertThat(slave.haServerAddr()).isEqualTo("10.0.0.1:10912");
        TopicRouteData route = routes.route("T1", null).orElseThrow();
        assertThat(route.queueDatas()).singleElement().satisfies(q -> {
            assertThat(q.brokerName()).isEqualTo("broker-a");
            assertThat(q.writeQueueNums()).isEqualTo(4);
            assertThat(q.perm()).isEqualTo(PermName.READ_WRITE);
        });
        assertThat(route.brokerDatas())
                .singleElement()
                .satisfies(
                        b -> assertThat(b.brokerAddrs()).isEqualTo(Map.of(0L, "10.0.0.1:10911", 1L, "10.0.0.2:10911")));
        assertThat(routes.route("nope", null)).isEmpty();
        assertThat(routes.clusterInfo().clusterAddrTable()).containsEntry("c1", java.util.Set.of("broker-a"));
    }

    @Test
    void silentBrokersExpireOnlyAfterTheExpiry() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1"));
        clock.advance(Duration.ofSeconds(119));
        assertThat(routes.expire(EXPIRY)).isEmpty();
        routes.register(registration("broker-b", 0, "10.0.0.3:10911", slaveConnection, 1, "T1"));

        clock.advance(Duration.ofSeconds(2));
        List<ExpiredBroker> expired = routes.expire(EXPIRY);

        assertThat(expired).extracting(ExpiredBroker::brokerAddr).containsExactly("10.0.0.1:10911");
        assertThat(expired.get(0).connection()).isSameAs(masterConnection);
        assertThat(routes.route("T1", null).orElseThrow().brokerDatas())
                .extracting(b -> b.brokerName())
                .containsExactly("broker-b");
        assertThat(routes.liveBrokerCount()).isEqualTo(1);
    }

    @Test
    void closedConnectionDropsItsBrokerAndEmptyTopics() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "OnlyA"));
        assertThat(routes.connectionClosed(masterConnection)).containsExactly("10.0.0.1:10911");
        assertThat(routes.route("OnlyA", null)).isEmpty();
        assertThat(routes.allTopics()).isEmpty();
        assertThat(routes.clusterInfo().clusterAddrTable()).isEmpty();
    }

    @Test
    void sameVersionDoesNotOverwriteTopicsButNewVersionDoes() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1"));
        assertThat(routes.wipeWritePermission("broker-a")).isEqualTo(1);
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1"));
        assertThat(routes.route("T1", null).orElseThrow().queueDatas().get(0).perm())
                .isEqualTo(PermName.PERM_READ);

        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 2, "T1"));
        assertThat(routes.route("T1", null).orElseThrow().queueDatas().get(0).perm())
                .isEqualTo(PermName.READ_WRITE);
        assertThat(routes.wipeWritePermission("broker-a")).isEqualTo(1);
        assertThat(routes.addWritePermission("broker-a")).isEqualTo(1);
        assertThat(routes.route("T1", null).orElseThrow().queueDatas().get(0).perm())
                .isEqualTo(PermName.READ_WRITE);
    }

    @Test
    void deleteTopicByClusterOrEverywhere() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1", "T2"));
        routes.deleteTopic("T1", "other-cluster");
        assertThat(routes.allTopics()).contains("T1");
        routes.deleteTopic("T1", "c1");
        routes.deleteTopic("T2", null);
        assertThat(routes.allTopics()).isEmpty();
    }

    @Test
    void unregisterRemovesOnlyThatId() {
        routes.register(registration("broker-a", 0, "10.0.0.1:10911", masterConnection, 1, "T1"));
        routes.register(registration("broker-a", 1, "10.0.0.2:10911", slaveConnection, 1, "T1"));
        routes.unregister("c1", "10.0.0.1:10911", "broker-a", 0);
        TopicRouteData route = routes.route("T1", null).orElseThrow();
        assertThat(route.brokerDatas().get(0).brokerAddrs()).containsOnlyKeys(1L);
        assertThat(routes.systemTopics()).containsExactly("broker-a", "c1");
    }

    private static BrokerRegistration registration(
            String brokerName, long id, String addr, Object connection, long version, String... topics) {
        Map<String, TopicConfig> table = new java.util.LinkedHashMap<>();
        for (String topic : topics) {
            table.put(topic, TopicConfig.of(topic, 4, PermName.READ_WRITE));
        }
        String haAddr = addr.replace(":10911", ":10912");
        return new BrokerRegistration(
                "c1",
                addr,
                brokerName,
                id,
                haAddr,
                new TopicConfigSerializeWrapper(table, new DataVersion(version, 1, null)),
                List.of(),
                connection);
    }
}
