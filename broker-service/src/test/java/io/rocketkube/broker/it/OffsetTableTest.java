package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.nio.file.Path;
import java.util.Map;
import org.apache.rocketmq.common.protocol.body.ConsumerOffsetSerializeWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET_ALL_CONSUMER_OFFSET (43): read back by the official 4.9.8 wrapper and by the operator's drain. */
@Timeout(60)
class OffsetTableTest {
    @TempDir
    Path dir;

    @Test
    void allCommittedOffsetsAsConsumerOffsetSerializeWrapper() throws Exception {
        try (Cluster cluster = new Cluster(dir);
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            String addr = cluster.brokerAddr();
            RemotingCommand create = RawRequests.createTopic("T_OFFSETS", 2);
            assertThat(client.invokeSync(addr, create, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
            commit(client, addr, "CG_A", 0, 5);
            commit(client, addr, "CG_A", 1, 7);
            commit(client, addr, "CG_B", 1, 3);

            RemotingCommand request = RemotingCommand.request(RequestCode.GET_ALL_CONSUMER_OFFSET);
            RemotingCommand response = client.invokeSync(addr, request, 5000);
            assertThat(response.code()).isEqualTo(ResponseCode.SUCCESS);
            assertThat(response.opaque()).isEqualTo(request.opaque());

            // What a 4.9.8 slave does with the body (BrokerOuterAPI.getAllConsumerOffset): fastjson into the wrapper.
            ConsumerOffsetSerializeWrapper official =
                    ConsumerOffsetSerializeWrapper.decode(response.body(), ConsumerOffsetSerializeWrapper.class);
            assertThat(official.getOffsetTable()).containsOnlyKeys("T_OFFSETS@CG_A", "T_OFFSETS@CG_B");
            assertThat(official.getOffsetTable().get("T_OFFSETS@CG_A"))
                    .containsEntry(0, 5L)
                    .containsEntry(1, 7L);
            assertThat(official.getOffsetTable().get("T_OFFSETS@CG_B")).containsExactly(Map.entry(1, 3L));

            // What the operator's RemotingBrokerAdmin.unconsumedMessages parses (same type, same mapper).
            Map<String, Map<String, Map<String, Long>>> operator = RemotingJson.mapper()
                    .readValue(response.body(), new TypeReference<Map<String, Map<String, Map<String, Long>>>>() {});
            assertThat(operator.get("offsetTable").get("T_OFFSETS@CG_A"))
                    .containsEntry("0", 5L)
                    .containsEntry("1", 7L);
        }
    }

    private static void commit(RemotingClient client, String addr, String group, int queueId, long offset)
            throws Exception {
        RemotingCommand update = RemotingCommand.request(RequestCode.UPDATE_CONSUMER_OFFSET)
                .withExtFields(Map.of(
                        "consumerGroup",
                        group,
                        "topic",
                        "T_OFFSETS",
                        "queueId",
                        String.valueOf(queueId),
                        "commitOffset",
                        String.valueOf(offset)));
        assertThat(client.invokeSync(addr, update, 5000).code()).isEqualTo(ResponseCode.SUCCESS);
    }
}
