package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.HeartbeatData;
import io.rocketkube.client.protocol.ProducerData;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A heartbeat naming many new consumer groups (one client process may run many consumers, or a fuzzer may
 * send a thousand) creates them and their retry topics with one write of each table, not a write per group,
 * which took seconds and held up other clients' requests; and a body of JSON {@code null} is refused with a
 * clear answer rather than a NullPointerException.
 */
@Timeout(120)
class HeartbeatManyGroupsTest {
    private static final int GROUPS = 1000;

    @TempDir
    Path dir;

    @Test
    void aThousandNewGroupsAreCreatedWithOneWriteOfEachTable() throws Exception {
        try (Cluster cluster = new Cluster(dir);
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            long groupsVersion = counter(client, cluster, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
            long topicsVersion = counter(client, cluster, RequestCode.GET_ALL_TOPIC_CONFIG);

            List<ConsumerData> consumers = new ArrayList<>();
            for (int i = 0; i < GROUPS; i++) {
                consumers.add(new ConsumerData(
                        "CG_MANY_" + i,
                        "CONSUME_PASSIVELY",
                        ConsumerData.CLUSTERING,
                        "CONSUME_FROM_LAST_OFFSET",
                        List.of(SubscriptionData.ofTags("T_MANY", "*", 1)),
                        false));
            }
            RemotingCommand heartbeat = RemotingCommand.request(RequestCode.HEART_BEAT)
                    .withBody(RemotingJson.encode(
                            new HeartbeatData("client-many", List.of(new ProducerData("PG_MANY")), consumers)));
            RemotingCommand answer = client.invokeSync(cluster.brokerAddr(), heartbeat, 30_000);
            assertThat(answer.code()).as(answer.remark()).isEqualTo(ResponseCode.SUCCESS);

            JsonNode groups = all(client, cluster, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG);
            JsonNode topics = all(client, cluster, RequestCode.GET_ALL_TOPIC_CONFIG);
            for (int i = 0; i < GROUPS; i++) {
                assertThat(groups.path("subscriptionGroupTable").has("CG_MANY_" + i))
                        .isTrue();
                assertThat(topics.path("topicConfigTable").has("%RETRY%CG_MANY_" + i))
                        .isTrue();
            }
            assertThat(counter(client, cluster, RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG))
                    .as("writes of the group table")
                    .isEqualTo(groupsVersion + 1);
            assertThat(counter(client, cluster, RequestCode.GET_ALL_TOPIC_CONFIG))
                    .as("writes of the topic table")
                    .isEqualTo(topicsVersion + 1);
        }
    }

    @Test
    void aNullBodyIsRefusedWithAClearAnswer() throws Exception {
        try (Cluster cluster = new Cluster(dir);
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            for (int code : new int[] {RequestCode.HEART_BEAT, RequestCode.LOCK_BATCH_MQ}) {
                RemotingCommand request =
                        RemotingCommand.request(code).withBody("null".getBytes(StandardCharsets.UTF_8));
                RemotingCommand answer = client.invokeSync(cluster.brokerAddr(), request, 5_000);
                assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_ERROR);
                assertThat(answer.opaque()).isEqualTo(request.opaque());
                assertThat(answer.remark()).startsWith("request body is null").doesNotContain("NullPointer");
            }
        }
    }

    private static JsonNode all(RemotingClient client, Cluster cluster, int code) throws Exception {
        RemotingCommand answer = client.invokeSync(cluster.brokerAddr(), RemotingCommand.request(code), 10_000);
        assertThat(answer.code()).isEqualTo(ResponseCode.SUCCESS);
        return RemotingJson.mapper().readTree(answer.body());
    }

    private static long counter(RemotingClient client, Cluster cluster, int code) throws Exception {
        return all(client, cluster, code).path("dataVersion").path("counter").asLong();
    }
}
