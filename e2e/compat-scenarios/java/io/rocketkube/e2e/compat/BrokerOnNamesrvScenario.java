package io.rocketkube.e2e.compat;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.awaitRoute;
import static io.rocketkube.e2e.compat.OfficialClients.createTopic;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.constant.PermName;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The official Apache 4.9.7 broker registers with a NameServer; the official producer, push
 * consumer and admin API of the module's client line ({@link ClientLine}) work through it.
 * Subclasses pick the NameServer (and may pick the broker).
 *
 * <p>One NameServer and one broker for the whole class. The methods run in order because the
 * last ones (perm changes, deletions) change the NameServer's view of the broker; each method
 * creates the topics it looks at.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
public abstract class BrokerOnNamesrvScenario {

    private static final String CLUSTER = "RkE2eCluster";

    private NameServerNode namesrv;
    private BrokerNode broker;
    private DefaultMQAdminExt admin;

    protected abstract NamesrvKind namesrvKind();

    /** The broker under the NameServer: the official 4.9.7 one unless a subclass says otherwise. */
    protected BrokerNode newBroker(String cluster, String brokerName, String namesrvAddr) {
        return ApacheBroker.builder("broker")
                .clusterName(cluster)
                .brokerName(brokerName)
                .namesrvAddrs(namesrvAddr)
                .property("waitTimeMillsInSendQueue", "3000")
                .build();
    }

    @BeforeAll
    void startNamesrvAndBroker() throws Exception {
        namesrv = namesrvKind().start("namesrv");
        broker = newBroker(CLUSTER, unique("rk-broker-a"), namesrv.address());
        broker.start();
        admin = OfficialClients.startAdmin(namesrv.address());
        awaitBrokerRegistered(admin, broker);
    }

    @AfterAll
    void stopAll() {
        if (admin != null) {
            admin.shutdown();
        }
        if (broker != null) {
            broker.stop();
        }
        if (namesrv != null) {
            namesrv.stop();
        }
    }

    @Test
    @Order(1)
    void clusterInfoShowsTheRegisteredBroker() throws Exception {
        var info = admin.examineBrokerClusterInfo();

        assertThat(info.getClusterAddrTable()).containsOnlyKeys(CLUSTER);
        assertThat(info.getClusterAddrTable().get(CLUSTER)).containsExactly(broker.brokerName());
        assertThat(info.getBrokerAddrTable()).containsOnlyKeys(broker.brokerName());
        var data = info.getBrokerAddrTable().get(broker.brokerName());
        assertThat(data.getCluster()).isEqualTo(CLUSTER);
        assertThat(data.getBrokerName()).isEqualTo(broker.brokerName());
        assertThat(data.getBrokerAddrs()).containsExactly(Map.entry(0L, broker.address()));
    }

    @Test
    @Order(2)
    void aTopicCreatedOnTheBrokerIsListedAndRouted() throws Exception {
        String topic = unique("RkRouteTopic");
        createTopic(admin, broker, topic, 6);
        var route = admin.examineTopicRouteInfo(topic);

        assertThat(route.getBrokerDatas()).singleElement().satisfies(data -> {
            assertThat(data.getCluster()).isEqualTo(CLUSTER);
            assertThat(data.getBrokerName()).isEqualTo(broker.brokerName());
            assertThat(data.getBrokerAddrs()).containsExactly(Map.entry(0L, broker.address()));
        });
        assertThat(route.getQueueDatas()).singleElement().satisfies(queues -> {
            assertThat(queues.getBrokerName()).isEqualTo(broker.brokerName());
            assertThat(queues.getReadQueueNums()).isEqualTo(6);
            assertThat(queues.getWriteQueueNums()).isEqualTo(6);
            assertThat(queues.getPerm()).isEqualTo(PermName.PERM_READ | PermName.PERM_WRITE);
        });
        // The broker's own topics (4.9.7 broker defaults) come with every registration.
        assertThat(admin.fetchAllTopicList().getTopicList())
                .contains(topic, "TBW102", "SELF_TEST_TOPIC", CLUSTER, broker.brokerName());
        assertThat(admin.examineTopicRouteInfo("TBW102").getQueueDatas())
                .singleElement()
                .satisfies(queues -> assertThat(queues.getPerm()).isEqualTo(7));
    }

    @Test
    @Order(3)
    void thousandMessagesGoThroughTheBrokerFoundViaTheNamesrv() throws Exception {
        String topic = unique("RkExchangeTopic");
        createTopic(admin, broker, topic, 4);
        DefaultMQProducer producer = OfficialClients.startProducer(namesrv.address());
        Map<String, OfficialClients.Received> sent;
        try {
            sent = OfficialClients.sendAll(producer, topic, 1_000);
        } finally {
            producer.shutdown();
        }
        assertThat(sent).hasSize(1_000);

        OfficialClients.consumeExactly(namesrv.address(), topic, sent);
    }

    @Test
    @Order(4)
    void aProducerAutoCreatesATopicThroughTbw102() throws Exception {
        String topic = unique("RkAutoTopic");
        DefaultMQProducer producer = OfficialClients.startProducer(namesrv.address());
        try {
            for (int i = 0; i < 10; i++) {
                assertThat(producer.send(OfficialClients.message(topic, i)).getSendStatus())
                        .isEqualTo(SendStatus.SEND_OK);
            }
        } finally {
            producer.shutdown();
        }
        awaitRoute(admin, topic);
        var route = admin.examineTopicRouteInfo(topic);
        assertThat(route.getQueueDatas()).singleElement().satisfies(queues -> {
            assertThat(queues.getBrokerName()).isEqualTo(broker.brokerName());
            assertThat(queues.getWriteQueueNums()).isEqualTo(4);
        });
    }

    @Test
    @Order(5)
    void deleteTopicInNameServerRemovesTheRoute() throws Exception {
        String byCluster = unique("RkDeleteByCluster");
        String everywhere = unique("RkDeleteEverywhere");
        createTopic(admin, broker, byCluster, 2);
        createTopic(admin, broker, everywhere, 2);

        ClientLine.deleteTopicInNameServer(admin, Set.of(namesrv.address()), byCluster, CLUSTER);
        ClientLine.deleteTopicInNameServer(admin, Set.of(namesrv.address()), everywhere, null);

        for (String topic : new String[] {byCluster, everywhere}) {
            assertThatThrownBy(() -> admin.examineTopicRouteInfo(topic))
                    .as("route of %s", topic)
                    .isInstanceOfSatisfying(
                            MQClientException.class,
                            e -> assertThat(e.getResponseCode()).isEqualTo(ClientLine.TOPIC_NOT_EXIST));
        }
        assertThat(admin.fetchAllTopicList().getTopicList())
                .doesNotContain(byCluster, everywhere)
                .contains("TBW102");
    }

    @Test
    @Order(6)
    void wipeAndAddWritePermChangeTheRoutedPerm() throws Exception {
        String topic = unique("RkPermTopic");
        createTopic(admin, broker, topic, 4);
        int topicsOfBroker = admin.fetchAllTopicList().getTopicList().size();

        int wiped = admin.wipeWritePermOfBroker(namesrv.address(), broker.brokerName());

        assertThat(wiped).isEqualTo(topicsOfBroker);
        assertThat(permOf(topic)).isEqualTo(PermName.PERM_READ);
        assertThat(permOf("TBW102")).isEqualTo(PermName.PERM_READ | PermName.PERM_INHERIT);
        DefaultMQProducer blocked = OfficialClients.startProducer(namesrv.address());
        try {
            Message message = OfficialClients.message(topic, 0);
            assertThatThrownBy(() -> blocked.send(message)).isInstanceOf(MQClientException.class);
        } finally {
            blocked.shutdown();
        }

        int added = admin.addWritePermOfBroker(namesrv.address(), broker.brokerName());

        assertThat(added).isEqualTo(topicsOfBroker);
        assertThat(permOf(topic)).isEqualTo(PermName.PERM_READ | PermName.PERM_WRITE);
        DefaultMQProducer producer = OfficialClients.startProducer(namesrv.address());
        try {
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertThat(producer.send(OfficialClients.message(topic, 1))
                                    .getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK));
        } finally {
            producer.shutdown();
        }
    }

    private int permOf(String topic) throws Exception {
        var queues = admin.examineTopicRouteInfo(topic).getQueueDatas().get(0);
        return queues.getPerm();
    }
}
