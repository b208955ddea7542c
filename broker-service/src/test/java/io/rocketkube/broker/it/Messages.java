package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/** Builds distinguishable messages and checks that what a consumer got is exactly what was sent. */
final class Messages {
    static final String SEQ = "seq";

    private Messages() {}

    static Message message(String topic, int seq, String tag) {
        Message m = new Message(
                topic,
                tag,
                "key-" + seq + " k2-" + seq,
                ("body-" + seq + "-" + "x".repeat(seq % 50)).getBytes(StandardCharsets.UTF_8));
        m.putUserProperty(SEQ, String.valueOf(seq));
        m.putUserProperty("colour", seq % 2 == 0 ? "red" : "blue");
        return m;
    }

    static List<Message> messages(String topic, int count, String tag) {
        List<Message> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(message(topic, i, tag));
        }
        return list;
    }

    /** A body of {@code size} bytes that compresses but is not trivial. */
    static byte[] bigBody(int size) {
        byte[] body = new byte[size];
        Random random = new Random(42);
        for (int i = 0; i < size; i++) {
            body[i] = (byte) ('a' + random.nextInt(6));
        }
        return body;
    }

    static int seq(MessageExt m) {
        return Integer.parseInt(m.getUserProperty(SEQ));
    }

    /** Body, tags, keys and every user property equal. */
    static void assertSame(MessageExt received, Message sent) {
        assertThat(received.getTopic()).isEqualTo(sent.getTopic());
        assertThat(received.getBody()).isEqualTo(sent.getBody());
        assertThat(received.getTags()).isEqualTo(sent.getTags());
        assertThat(received.getKeys()).isEqualTo(sent.getKeys());
        for (Map.Entry<String, String> e : sent.getProperties().entrySet()) {
            if (!e.getKey().equals("WAIT")) {
                assertThat(received.getProperty(e.getKey()))
                        .as("property " + e.getKey())
                        .isEqualTo(e.getValue());
            }
        }
    }
}
