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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real admin client against loopback remoting servers that answer like a NameServer and
 * brokers, with the bodies of docs/protocol.md §3.4, §3.8 and §5.11.
 */
@Timeout(60)
class RemotingBrokerAdminTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<RemotingServer> servers = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final RemotingBrokerAdmin admin =
            new RemotingBrokerAdmin(new RemotingClient(RemotingClientConfig.defaults()), Duration.ofSeconds(3));

    @AfterEach
    void stop() {
        admin.close();
        servers.forEach(RemotingServer::close);
        executor.shutdownNow();
    }

    /** A server answering each code with the given body and ext fields. */
    private String server(String name, Map<Integer, RemotingCommand> answers) throws Exception {
        ProcessorRegistry registry = new ProcessorRegistry();
        answers.forEach((code, answer) -> registry.register(
                code,
                (ch, req) -> {
                    requests.add(name + ":" + req.code()
                            + (req.extFields() == null ? "" : ":" + new java.util.TreeMap<>(req.extFields())));
                    RemotingCommand response = req.response(answer.code(), answer.remark());
                    if (answer.extFields() != null) {
                        response = response.withExtFields(answer.extFields());
                    }
                    if (answer.body() != null) {
                        response = response.withBody(answer.body());
                    }
                    return RequestProcessor.respond(response);
                },
                executor));
        RemotingServer server =
                new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry, RemotingObserver.NONE);
        server.start();
        servers.add(server);
        return "127.0.0.1:" + server.localAddress().getPort();
    }

    private static RemotingCommand ok(String body) {
        return RemotingCommand.request(0).response(ResponseCode.SUCCESS).withBody(body);
    }

    @Test
    void registeredMastersAreThoseWithBrokerIdZeroInTheCluster() throws Exception {
        String ns = server(
                "ns",
                Map.of(
                        RequestCode.GET_BROKER_CLUSTER_INFO,
                        ok(
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
        String ns = server(
                "ns",
                Map.of(
                        RequestCode.GET_BROKER_CLUSTER_INFO,
                        ok("{\"brokerAddrTable\":{\"c-broker-0\":{\"brokerAddrs\":{\"0\":\"a:1\"},"
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
        String master = server(
                "m",
                Map.of(
                        RequestCode.GET_BROKER_RUNTIME_INFO,
                        ok("{\"table\":{\"commitLogMaxOffset\":\"5000\",\"brokerVersion\":\"409\"}}")));
        String slave1 = server(
                "s1", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO, ok("{\"table\":{\"commitLogMaxOffset\":\"4000\"}}")));
        String slave2 = server(
                "s2", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO, ok("{\"table\":{\"commitLogMaxOffset\":\"5000\"}}")));
        assertThat(admin.replicationLagBytes(new GroupEndpoints("g", master, List.of(slave1, slave2))))
                .containsExactly(Map.entry(slave1, 1000L), Map.entry(slave2, 0L));
    }

    /**
     * A broker answering the drain's requests with the reference's bodies: GET_ALL_TOPIC_CONFIG's
     * TopicConfigSerializeWrapper, GET_ALL_CONSUMER_OFFSET's ConsumerOffsetSerializeWrapper (with
     * the unquoted queue ids older brokers write), GET_ALL_DELAY_OFFSET's level table, and
     * GET_MAX_OFFSET / GET_MIN_OFFSET per queue from the given ranges ("topic#queue" to "min,max").
     */
    private String backlogBroker(String topics, String offsets, String delayOffsets, Map<String, String> ranges)
            throws Exception {
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(
                        RequestCode.GET_ALL_TOPIC_CONFIG,
                        (ch, req) -> RequestProcessor.respond(
                                req.response(ResponseCode.SUCCESS).withBody(topics)),
                        executor)
                .register(
                        RequestCode.GET_ALL_CONSUMER_OFFSET,
                        (ch, req) -> RequestProcessor.respond(
                                req.response(ResponseCode.SUCCESS).withBody(offsets)),
                        executor)
                .register(
                        RequestCode.GET_ALL_DELAY_OFFSET,
                        (ch, req) -> RequestProcessor.respond(
                                delayOffsets == null
                                        ? req.response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, "no")
                                        : req.response(ResponseCode.SUCCESS).withBody(delayOffsets)),
                        executor);
        for (int code : new int[] {RequestCode.GET_MAX_OFFSET, RequestCode.GET_MIN_OFFSET}) {
            registry.register(
                    code,
                    (ch, req) -> {
                        String key = req.extField("topic") + "#" + req.extField("queueId");
                        requests.add(req.code() + ":" + key);
                        String[] range = ranges.getOrDefault(key, "0,0").split(",");
                        return RequestProcessor.respond(req.response(ResponseCode.SUCCESS)
                                .withExtField("offset", range[req.code() == RequestCode.GET_MAX_OFFSET ? 1 : 0]));
                    },
                    executor);
        }
        RemotingServer server =
                new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry, RemotingObserver.NONE);
        server.start();
        servers.add(server);
        return "127.0.0.1:" + server.localAddress().getPort();
    }

    private static String topicConfig(String name, int queues) {
        return "\"" + name + "\":{\"order\":false,\"perm\":6,\"readQueueNums\":" + queues
                + ",\"topicFilterType\":\"SINGLE_TAG\",\"topicName\":\"" + name
                + "\",\"topicSysFlag\":0,\"writeQueueNums\":" + queues + "}";
    }

    @Test
    void backlogReadsEveryTopicsQueuesAndEachGroupsCommittedOffsets() throws Exception {
        String master = backlogBroker(
                "{\"dataVersion\":{\"counter\":3,\"timestamp\":1},"
                        + "\"topicConfigTable\":{" + topicConfig("T1", 2) + "," + topicConfig("%RETRY%CG", 1)
                        + "," + topicConfig("EMPTY", 1) + "}}",
                "{\"offsetTable\":{\"T1@CG\":{\"0\":6,\"1\":7},\"T1@OTHER\":{0:10}," + "\"%RETRY%CG@CG\":{\"0\":1}}}",
                null,
                Map.of("T1#0", "2,10", "T1#1", "0,7", "%RETRY%CG#0", "0,3"));

        List<TopicBacklog> backlog = admin.backlog(new GroupEndpoints("g", master, List.of()));

        assertThat(backlog)
                .containsExactlyInAnyOrder(
                        new TopicBacklog(
                                "T1",
                                Map.of(0, new TopicBacklog.QueueRange(2, 10), 1, new TopicBacklog.QueueRange(0, 7)),
                                Map.of("CG", Map.of(0, 6L, 1, 7L), "OTHER", Map.of(0, 10L))),
                        new TopicBacklog(
                                "%RETRY%CG", Map.of(0, new TopicBacklog.QueueRange(0, 3)), Map.of("CG", Map.of(0, 1L))),
                        new TopicBacklog("EMPTY", Map.of(0, new TopicBacklog.QueueRange(0, 0)), Map.of()));
        assertThat(requests)
                .as("an empty queue needs no GET_MIN_OFFSET")
                .doesNotContain(RequestCode.GET_MIN_OFFSET + ":EMPTY#0")
                .contains(RequestCode.GET_MIN_OFFSET + ":T1#0", RequestCode.GET_MAX_OFFSET + ":EMPTY#0");
    }

    @Test
    void delayedMessagesAreConsumedByTheBrokersScheduledDeliveryWhenItReportsIt() throws Exception {
        String topics = "{\"topicConfigTable\":{" + topicConfig("SCHEDULE_TOPIC_XXXX", 3) + "}}";
        Map<String, String> ranges = Map.of("SCHEDULE_TOPIC_XXXX#1", "0,4");
        String reporting = backlogBroker(topics, "{\"offsetTable\":{}}", "{\"offsetTable\":{2:3}}", ranges);
        assertThat(admin.backlog(new GroupEndpoints("g", reporting, List.of())))
                .singleElement()
                .satisfies(t -> assertThat(t.committed())
                        .containsExactly(Map.entry(RemotingBrokerAdmin.SCHEDULED_DELIVERY, Map.of(1, 3L))));

        String silent = backlogBroker(topics, "{\"offsetTable\":{}}", null, ranges);
        assertThat(admin.backlog(new GroupEndpoints("g", silent, List.of())))
                .as("without GET_ALL_DELAY_OFFSET the schedule topic has no consumer, so it blocks")
                .singleElement()
                .satisfies(t -> assertThat(t.committed()).isEmpty());
    }

    @Test
    void aFailingOffsetRequestFailsTheWholeBacklogRatherThanReportLess() throws Exception {
        String master = server(
                "m",
                Map.of(
                        RequestCode.GET_ALL_TOPIC_CONFIG,
                        ok("{\"topicConfigTable\":{" + topicConfig("T1", 1) + "}}"),
                        RequestCode.GET_ALL_CONSUMER_OFFSET,
                        RemotingCommand.request(0)
                                .response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED, "request type 43 not supported")));
        assertThatThrownBy(() -> admin.backlog(new GroupEndpoints("g", master, List.of())))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining("43")
                .hasMessageContaining("not supported");
    }

    @Test
    void brokerWritesStopAndRestartWithUpdateBrokerConfigsPermission() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(
                        RequestCode.UPDATE_BROKER_CONFIG,
                        (ch, req) -> {
                            bodies.add(new String(req.body(), java.nio.charset.StandardCharsets.UTF_8));
                            return RequestProcessor.respond(req.response(ResponseCode.SUCCESS));
                        },
                        executor);
        RemotingServer server =
                new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry, RemotingObserver.NONE);
        server.start();
        servers.add(server);
        String broker = "127.0.0.1:" + server.localAddress().getPort();

        admin.stopBrokerWrites(broker);
        admin.restoreBrokerWrites(broker);

        // Properties text, as mqadmin updateBrokerConfig sends it: 4 = read only, 6 = read and write.
        assertThat(bodies).containsExactly("brokerPermission=4\n", "brokerPermission=6\n");
        java.util.Properties parsed = new java.util.Properties();
        parsed.load(new java.io.StringReader(bodies.get(0)));
        assertThat(parsed).containsExactly(Map.entry("brokerPermission", "4"));
    }

    @Test
    void aBrokerRefusingThePermissionChangeIsAnError() throws Exception {
        String broker = server(
                "b",
                Map.of(
                        RequestCode.UPDATE_BROKER_CONFIG,
                        RemotingCommand.request(0).response(ResponseCode.SYSTEM_ERROR, "update broker config failed")));
        assertThatThrownBy(() -> admin.stopBrokerWrites(broker))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining("25")
                .hasMessageContaining("update broker config failed");
    }

    @Test
    void writePermissionGoesToEveryNameServerEvenWhenOneFails() throws Exception {
        RemotingCommand wiped =
                RemotingCommand.request(0).response(ResponseCode.SUCCESS).withExtField("wipeTopicCount", "3");
        String ns1 = server(
                "ns1",
                Map.of(
                        RequestCode.WIPE_WRITE_PERM_OF_BROKER,
                        wiped,
                        RequestCode.ADD_WRITE_PERM_OF_BROKER,
                        RemotingCommand.request(0)
                                .response(ResponseCode.SUCCESS)
                                .withExtField("addTopicCount", "3")));
        String ns2 = server(
                "ns2",
                Map.of(
                        RequestCode.WIPE_WRITE_PERM_OF_BROKER,
                        RemotingCommand.request(0).response(ResponseCode.SYSTEM_ERROR, "disk full")));
        assertThatThrownBy(() -> admin.wipeWritePermission(List.of(ns2, ns1), "c-broker-1"))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining("disk full");
        assertThat(requests).contains("ns1:205:{brokerName=c-broker-1}", "ns2:205:{brokerName=c-broker-1}");
        admin.addWritePermission(List.of(ns1), "c-broker-1");
        assertThat(requests).contains("ns1:327:{brokerName=c-broker-1}");
    }

    @Test
    void aMissingOffsetIsAnErrorNotZeroLag() throws Exception {
        String master =
                server("m", Map.of(RequestCode.GET_BROKER_RUNTIME_INFO, ok("{\"table\":{\"brokerVersion\":\"409\"}}")));
        assertThatThrownBy(() -> admin.replicationLagBytes(new GroupEndpoints("g", master, List.of(master))))
                .isInstanceOf(BrokerAdminException.class)
                .hasMessageContaining("commitLogMaxOffset");
    }
}
