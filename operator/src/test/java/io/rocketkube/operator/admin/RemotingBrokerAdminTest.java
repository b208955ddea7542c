package io.rocketkube.operator.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.ProcessorRegistry;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingObserver;
import io.rocketkube.client.remoting.RemotingServer;
import io.rocketkube.client.remoting.RemotingServerConfig;
import io.rocketkube.client.remoting.RequestProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real admin client against loopback remoting servers that answer like a NameServer and
 * brokers, with the bodies of remoting-protocol.md §3.4, §3.8 and §5.11.
 */
@Timeout(60)
class RemotingBrokerAdminTest {

  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final List<RemotingServer> servers = new ArrayList<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final RemotingBrokerAdmin admin = new RemotingBrokerAdmin(
      new RemotingClient(RemotingClientConfig.defaults()), Duration.ofSeconds(3));

  @AfterEach
  void stop() {
    admin.close();
    servers.forEach(RemotingServer::close);
    executor.shutdownNow();
  }

  /** A server answering each code with the given body and ext fields. */
  private String server(String name, Map<Integer, RemotingCommand> answers) throws Exception {
    ProcessorRegistry registry = new ProcessorRegistry();
    answers.forEach((code, answer) -> registry.register(code, (ch, req) -> {
      requests.add(name + ":" + req.code() + (req.extFields() == null ? ""
          : ":" + new java.util.TreeMap<>(req.extFields())));
      RemotingCommand response = req.response(answer.code(), answer.remark());
      if (answer.extFields() != null) {
        response = response.withExtFields(answer.extFields());
      }
      if (answer.body() != null) {
        response = response.withBody(answer.body());
      }
      return RequestProcessor.respond(response);
    }, executor));
    RemotingServer server = new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry,
        RemotingObserver.NONE);
    server.start();
    servers.add(server);
    return "127.0.0.1:" + server.localAddress().getPort();
  }

  private static RemotingCommand ok(String body) {
    return RemotingCommand.request(0).response(ResponseCode.SUCCESS).withBody(body);
  }

  @Test
  void registeredMastersAreThoseWithBrokerIdZeroInTheCluster() throws Exception {
    String ns = server("ns", Map.of(RequestCode.GET_BROKER_CLUSTER_INFO, ok(
        "{\"brokerAddrTable\":{"
            + "\"c-broker-0\":{\"brokerAddrs\":{\"0\":\"127.0.0.1:10911\",\"1\":\"127.0.0.2:10911\"},"
            + "\"brokerName\":\"c-broker-0\",\"cluster\":\"c\"},"
            + "\"c-broker-1\":{\"brokerAddrs\":{1:\"127.0.0.3:10911\"},"
            + "\"brokerName\":\"c-broker-1\",\"cluster\":\"c\"},"
            + "\"d-broker-0\":{\"brokerAddrs\":{\"0\":\"127.0.0.4:10911\"},"
            + "\"brokerName\":\"d-broker-0\",\"cluster\":\"d\"}},"
            + "\"clusterAddrTable\":{\"c\":[\"c-broker-0\",\"c-broker-1\"],\"d\":[\"d-broker-0\"]}}")));
    assertThat(admin.registeredMasters(List.of(ns), "c")).containsExactly("c-broker-0");
    assertThat(admin.registeredMasters(List.of(ns), "d")).containsExactly("d-broker-0");
  }

  @Test
  void oneAnsweringNameServerIsEnoughButNoneIsAnError() throws Exception {
    String ns = server("ns", Map.of(RequestCode.GET_BROKER_CLUSTER_INFO, ok(
        "{\"brokerAddrTable\":{\"c-broker-0\":{\"brokerAddrs\":{\"0\":\"a:1\"},"
            + "\"brokerName\":\"c-broker-0\",\"cluster\":\"c\"}},"
            + "\"clusterAddrTable\":{\"c\":[\"c-broker-0\"]}}")));
    String silent = "127.0.0.1:1";
    assertThat(admin.registeredMasters(List.of(silent, ns), "c")).containsExactly("c-broker-0");
    assertThatThrownBy(() -> admin.registeredMasters(List.of(silent), "c"))
        .isInstanceOf(BrokerAdminException.class)
        .hasMessageContaining("no NameServer answered GET_BROKER_CLUSTER_INFO");
  }

  @Test
  void replicationLagIsTheMastersCommitLogOffsetMinusEachSlaves() throws Exception {
    String master = server("m", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO,
        ok("{\"table\":{\"commitLogMaxOffset\":\"5000\",\"brokerVersion\":\"409\"}}")));
    String slave1 = server("s1", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO,
        ok("{\"table\":{\"commitLogMaxOffset\":\"4000\"}}")));
    String slave2 = server("s2", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO,
        ok("{\"table\":{\"commitLogMaxOffset\":\"5000\"}}")));
    assertThat(admin.replicationLagBytes(new GroupEndpoints("g", master, List.of(slave1, slave2))))
        .containsExactly(Map.entry(slave1, 1000L), Map.entry(slave2, 0L));
  }

  @Test
  void unconsumedMessagesSumEveryGroupsQueuesAgainstTheMaxOffsets() throws Exception {
    Map<String, String> maxOffsets = new ConcurrentHashMap<>(Map.of("T1#0", "10", "T1#1", "7",
        "%RETRY%CG#0", "3"));
    // GET_MAX_OFFSET is answered per topic and queue.
    ProcessorRegistry registry = new ProcessorRegistry()
        .register(RequestCode.GET_ALL_CONSUMER_OFFSET, (ch, req) -> RequestProcessor.respond(
            req.response(ResponseCode.SUCCESS).withBody("{\"offsetTable\":{"
                + "\"T1@CG\":{\"0\":6,\"1\":7},\"T1@OTHER\":{0:10},\"%RETRY%CG@CG\":{\"0\":1}}}")),
            executor)
        .register(RequestCode.GET_MAX_OFFSET, (ch, req) -> {
          requests.add("max:" + req.extField("topic") + "#" + req.extField("queueId"));
          return RequestProcessor.respond(req.response(ResponseCode.SUCCESS).withExtField("offset",
              maxOffsets.get(req.extField("topic") + "#" + req.extField("queueId"))));
        }, executor);
    RemotingServer server = new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry,
        RemotingObserver.NONE);
    server.start();
    servers.add(server);
    String master = "127.0.0.1:" + server.localAddress().getPort();

    // CG: (10-6) + (7-7) on T1, (3-1) on its retry topic; OTHER: 10-10.
    assertThat(admin.unconsumedMessages(new GroupEndpoints("g", master, List.of()))).isEqualTo(6);
    assertThat(requests).filteredOn(r -> r.startsWith("max:"))
        .as("each queue's max offset is asked once").hasSize(3);
  }

  @Test
  void writePermissionGoesToEveryNameServerEvenWhenOneFails() throws Exception {
    RemotingCommand wiped = RemotingCommand.request(0).response(ResponseCode.SUCCESS)
        .withExtField("wipeTopicCount", "3");
    String ns1 = server("ns1", Map.of(RequestCode.WIPE_WRITE_PERM_OF_BROKER, wiped,
        RequestCode.ADD_WRITE_PERM_OF_BROKER, RemotingCommand.request(0)
            .response(ResponseCode.SUCCESS).withExtField("addTopicCount", "3")));
    String ns2 = server("ns2", Map.of(RequestCode.WIPE_WRITE_PERM_OF_BROKER,
        RemotingCommand.request(0).response(ResponseCode.SYSTEM_ERROR, "disk full")));
    assertThatThrownBy(() -> admin.wipeWritePermission(List.of(ns2, ns1), "c-broker-1"))
        .isInstanceOf(BrokerAdminException.class).hasMessageContaining("disk full");
    assertThat(requests).contains("ns1:205:{brokerName=c-broker-1}", "ns2:205:{brokerName=c-broker-1}");
    admin.addWritePermission(List.of(ns1), "c-broker-1");
    assertThat(requests).contains("ns1:327:{brokerName=c-broker-1}");
  }

  @Test
  void aMissingOffsetIsAnErrorNotZeroLag() throws Exception {
    String master = server("m", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO,
        ok("{\"table\":{\"brokerVersion\":\"409\"}}")));
    assertThatThrownBy(() -> admin.replicationLagBytes(
        new GroupEndpoints("g", master, List.of(master))))
        .isInstanceOf(BrokerAdminException.class).hasMessageContaining("commitLogMaxOffset");
  }
}
