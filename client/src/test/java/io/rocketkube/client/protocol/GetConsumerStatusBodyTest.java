package io.rocketkube.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The consumer-status body against the official 4.9.8 codec (fastjson): what a client writes is lifted out
 * unchanged, and what the broker gathers reads back as the tools read the reference broker's answer.
 */
class GetConsumerStatusBodyTest {

    @Test
    void aClientsTableIsLiftedOutAndReadBackByTheOfficialCodecUnderItsClientId() {
        Map<MessageQueue, Long> table = new HashMap<>();
        table.put(new MessageQueue("T1", "broker-a", 0), 5L);
        // A broker name with a quote and braces: fastjson escapes it inside its object key.
        table.put(new MessageQueue("T1", "b\"{}:,", 1), 7L);
        org.apache.rocketmq.common.protocol.body.GetConsumerStatusBody answer =
                new org.apache.rocketmq.common.protocol.body.GetConsumerStatusBody();
        answer.setMessageQueueTable(table);

        byte[] lifted = GetConsumerStatusBody.messageQueueTable(answer.encode()).orElseThrow();
        byte[] gathered = GetConsumerStatusBody.gathered(
                Map.of("127.0.0.1@a\"b", lifted, "127.0.0.2@c", "{}".getBytes(StandardCharsets.US_ASCII)));

        org.apache.rocketmq.common.protocol.body.GetConsumerStatusBody read = RemotingSerializable.decode(
                gathered, org.apache.rocketmq.common.protocol.body.GetConsumerStatusBody.class);
        assertThat(read.getConsumerTable()).containsOnlyKeys("127.0.0.1@a\"b", "127.0.0.2@c");
        assertThat(read.getConsumerTable().get("127.0.0.1@a\"b")).isEqualTo(table);
        assertThat(read.getConsumerTable().get("127.0.0.2@c")).isEmpty();
        assertThat(read.getMessageQueueTable()).isEmpty();
    }

    @Test
    void onlyATopLevelPropertyIsFoundAndStringsAndNestingCannotEndAValueEarly() {
        String json = "{ \"a\" : \"x},\\\"messageQueueTable\\\":1\" , \"n\": {\"messageQueueTable\": 2},"
                + " \"l\": [1, \"]\", {}], \"messageQueueTable\" : {{\"q\":[1,{}]}:3} , \"z\": true }";
        assertThat(GetConsumerStatusBody.messageQueueTable(bytes(json)))
                .hasValueSatisfying(
                        t -> assertThat(new String(t, StandardCharsets.UTF_8)).isEqualTo("{{\"q\":[1,{}]}:3}"));
    }

    @Test
    void anAnswerWithoutATableHasNone() {
        assertThat(GetConsumerStatusBody.messageQueueTable(bytes("{}"))).isEmpty();
        assertThat(GetConsumerStatusBody.messageQueueTable(bytes(" { \"consumerTable\" : {} } ")))
                .isEmpty();
        assertThat(GetConsumerStatusBody.gathered(Map.of()))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("{\"consumerTable\":{},\"messageQueueTable\":{}}");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "[]",
                "null",
                "{\"messageQueueTable\":",
                "{\"messageQueueTable\":{",
                "{\"messageQueueTable\":{{\"q\":1}:2}",
                "{\"messageQueueTable\":5}",
                "{\"messageQueueTable\":\"{}\"}",
                "{\"a\":\"not closed}",
                "{messageQueueTable:{}}",
                "{\"a\":}",
                "{\"a\":,\"messageQueueTable\":{}}",
                "{\"a\":1 \"messageQueueTable\":{}}",
                "{\"a\" 1}",
                "{\"messageQueueTable\":{}} x",
                "{\"messageQueueTable\":{{\"q\":1]:2}}",
                "{\"messageQueueTable\":{{\"q\":1}:<script>}}",
                "{\"messageQueueTable\":[}"
            })
    void aMalformedAnswerIsRefused(String body) {
        assertThatThrownBy(() -> GetConsumerStatusBody.messageQueueTable(bytes(body)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed consumer status body");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
