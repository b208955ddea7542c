package io.rocketkube.e2e.compat.v5;

import static io.rocketkube.e2e.compat.v5.OfficialClients.awaitBrokerRegistered;
import static io.rocketkube.e2e.compat.v5.OfficialClients.awaitRoute;
import static io.rocketkube.e2e.compat.v5.OfficialClients.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import java.time.Duration;
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
abstract class TwoNamesrvScenario {

  private NameServerNode first;
  private NameServerNode second;
  private ApacheBroker broker;

  abstract NamesrvKind namesrvKind();

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
        assertThat(awaitRoute(single, topic).getQueueDatas()).singleElement()
            .satisfies(queues -> assertThat(queues.getWriteQueueNums()).isEqualTo(4));
      } finally {
        single.shutdown();
      }
    }

    first.stop();
    assertThat(first.process().isAlive()).isFalse();

    // Several fresh clients: each picks its first NameServer at random, so some start on the dead one.
    // Unlike 4.9.8, the 5.3.3 client fails a route lookup ("connect to null") while its choice is
    // the dead NameServer, and recovers once its availability scan (every few seconds) drops it:
    // that happens the same against the Apache NameServer, so the first send may be retried.
    for (int round = 0; round < 4; round++) {
      DefaultMQProducer producer = OfficialClients.startProducer(both);
      try {
        await("first send of producer " + round).atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .pollInterval(Duration.ofMillis(500))
            .until(() -> producer.send(OfficialClients.message(topic, 0)).getSendStatus() == SendStatus.SEND_OK);
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
      assertThat(awaitRoute(survivorView, topic).getBrokerDatas()).singleElement()
          .satisfies(data -> assertThat(data.getBrokerAddrs()).containsValue(broker.address()));
    } finally {
      survivorView.shutdown();
    }
  }
}
