package io.rocketkube.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.client.remoting.RequestRejectedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The compressed REGISTER_BROKER body: it round-trips, and whatever a body claims, decoding it allocates no
 * more than the codec's bounds (inflated bytes, chunk length, topic count), each refused with its reason.
 */
class RegisterBrokerBodyCodecTest {
    private static final byte[] DATA_VERSION = RemotingJson.encode(new DataVersion(3, 1_700_000_000_000L, null));

    @Test
    void aCompressedBodyRoundTrips() {
        Map<String, TopicConfig> topics = new LinkedHashMap<>();
        topics.put("T1", TopicConfig.of("T1", 4, 6));
        topics.put("T2", TopicConfig.of("T2", 8, 6));
        RegisterBrokerBody body = new RegisterBrokerBody(
                new TopicConfigSerializeWrapper(topics, new DataVersion(3, 1_700_000_000_000L, null)), List.of("fs:1"));
        RegisterBrokerBody decoded =
                RegisterBrokerBodyCodec.decode(RegisterBrokerBodyCodec.encode(body, true), true, 400);
        assertThat(decoded.topicConfigSerializeWrapper().topicConfigTable()).isEqualTo(topics);
        assertThat(decoded.filterServerList()).containsExactly("fs:1");
    }

    @Test
    void aBodyThatInflatesPastTheBoundIsRefusedWhileItInflates() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        chunk(raw, DATA_VERSION);
        int topics = 200_000;
        raw.writeBytes(ByteBuffer.allocate(4).putInt(topics).array());
        byte[] line = ("T" + "x".repeat(90) + " 4 4 6 0").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < topics; i++) {
            chunk(raw, line);
        }
        assertRefused(deflate(raw.toByteArray()), "inflates past " + RegisterBrokerBodyCodec.MAX_INFLATED_BYTES);
    }

    @Test
    void claimsBeyondTheBoundsAreRefusedBeforeTheyAreAllocated() {
        ByteArrayOutputStream longChunk = new ByteArrayOutputStream();
        longChunk.writeBytes(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
        assertRefused(deflate(longChunk.toByteArray()), "chunk of 2147483647 bytes");

        ByteArrayOutputStream manyTopics = new ByteArrayOutputStream();
        chunk(manyTopics, DATA_VERSION);
        manyTopics.writeBytes(ByteBuffer.allocate(4)
                .putInt(RegisterBrokerBodyCodec.MAX_TOPICS + 1)
                .array());
        assertRefused(deflate(manyTopics.toByteArray()), "topics (at most");
    }

    @Test
    void truncatedOrForeignBodiesAreRefused() {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        chunk(raw, DATA_VERSION);
        raw.writeBytes(ByteBuffer.allocate(4).putInt(2).array());
        chunk(raw, "T1 4 4 6 0".getBytes(StandardCharsets.UTF_8));
        assertRefused(deflate(raw.toByteArray()), "truncated");
        byte[] whole = deflate(raw.toByteArray());
        assertRefused(java.util.Arrays.copyOf(whole, whole.length / 2), "truncated");
        assertRefused("not zlib at all".getBytes(StandardCharsets.UTF_8), "not zlib");
    }

    private static void assertRefused(byte[] body, String reason) {
        assertThatThrownBy(() -> RegisterBrokerBodyCodec.decode(body, true, 400))
                .isInstanceOf(RequestRejectedException.class)
                .hasMessageContaining(reason);
    }

    private static void chunk(ByteArrayOutputStream out, byte[] bytes) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    private static byte[] deflate(byte[] raw) {
        Deflater deflater = new Deflater();
        try {
            deflater.setInput(raw);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
