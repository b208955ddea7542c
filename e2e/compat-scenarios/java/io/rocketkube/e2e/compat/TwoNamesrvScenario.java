package io.rocketkube.e2e.compat;

import static io.rocketkube.e2e.compat.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.OfficialClients.awaitRoute;
import static io.rocketkube.e2e.compat.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two NameServers: the broker registers with both ({@code namesrvAddr=a;b}); after one is stopped,
 * fresh clients listing both still find routes and send.
 */
@Timeout(180)
public abstract class TwoNamesrvScenario {

    private NameServerNode first;
    private NameServerNode second;
    private ApacheBroker broker;

    protected abstract NamesrvKind namesrvKind();

    @AfterEach
    void stopAll() {
        for (AutoCloseable node : new AutoCloseable[] {broker, second, first}) {
            if (node != null) {
                try {
                    node.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    @Test
    void clientsFailOverToTheSurvivingNamesrv() throws Exception {
        first = namesrvKind().start("namesrv-1");
        second = namesrvKind().start("namesrv-2");
        String both = first.address() + ";" + second.address();
        broker = ApacheBroker.builder("broker-2ns")
                .brokerName(unique("rk-broker-2ns"))
                .namesrvAddrs(first.address(), second.address())
                .build();
        broker.start();

        String topic = unique("RkTwoNamesrvTopic");
        DefaultMQAdminExt admin = OfficialClients.startAdmin(both);
        try {
            awaitBrokerRegistered(admin, broker);
            admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(topic, 4, 4, 6));
        } finally {
            admin.shutdown();
        }
        for (NameServerNode namesrv : new NameServerNode[] {first, second}) {
            DefaultMQAdminExt single = OfficialClients.startAdmin(namesrv.address());
            try {
                awaitBrokerRegistered(single, broker);
                awaitRoute(single, topic);
                assertThat(single.examineTopicRouteInfo(topic).getQueueDatas())
                        .singleElement()
                        .satisfies(
                                queues -> assertThat(queues.getWriteQueueNums()).isEqualTo(4));
            } finally {
                single.shutdown();
            }
        }

        first.stop();
        assertThat(first.process().isAlive()).isFalse();

        // Several fresh clients: each picks its first NameServer at random, so some start on the dead one.
        for (int round = 0; round < 4; round++) {
            DefaultMQProducer producer = OfficialClients.startProducer(both);
            try {
                ClientLine.firstSendWithADeadNamesrvListed(producer, OfficialClients.message(topic, 0), round);
                for (int i = 1; i < 5; i++) {
                    assertThat(producer.send(OfficialClients.message(topic, i)).getSendStatus())
                            .isEqualTo(SendStatus.SEND_OK);
                }
            } finally {
                producer.shutdown();
            }
        }
        DefaultMQAdminExt survivorView = OfficialClients.startAdmin(both);
        try {
            awaitRoute(survivorView, topic);
            assertThat(survivorView.examineTopicRouteInfo(topic).getBrokerDatas())
                    .singleElement()
                    .satisfies(data -> assertThat(data.getBrokerAddrs()).containsValue(broker.address()));
        } finally {
            survivorView.shutdown();
        }
    }
}
