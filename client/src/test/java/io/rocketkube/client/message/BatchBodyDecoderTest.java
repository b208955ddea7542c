package io.rocketkube.client.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.junit.jupiter.api.Test;

class BatchBodyDecoderTest {

    private static List<Message> officialMessages() {
        List<Message> ms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message m = new Message("T", "tag" + i, "key" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
            m.setFlag(i * 10);
            ms.add(m);
        }
        return ms;
    }

    @Test
    void decodesWhatTheOfficialBatchEncoderWrites() {
        List<Message> ms = officialMessages();
        BatchBodyDecoder.Result r = BatchBodyDecoder.decode(ByteBuffer.wrap(MessageDecoder.encodeMessages(ms)));
        assertThat(r).isInstanceOf(BatchBodyDecoder.Result.Ok.class);
        List<BatchBodyDecoder.Entry> entries = ((BatchBodyDecoder.Result.Ok) r).entries();
        assertThat(entries).hasSize(3);
        for (int i = 0; i < 3; i++) {
            BatchBodyDecoder.Entry e = entries.get(i);
            assertThat(e.flag()).isEqualTo(i * 10);
            byte[] body = new byte[e.body().remaining()];
            e.body().duplicate().get(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo("body-" + i);
            assertThat(PropertiesCodec.decode(e.properties()))
                    .isEqualTo(ms.get(i).getProperties());
        }
    }

    @Test
    void ourEncoderIsReadByTheOfficialDecoder() throws Exception {
        List<BatchBodyDecoder.Entry> entries = List.of(
                new BatchBodyDecoder.Entry(1, ByteBuffer.wrap(new byte[] {9}), "KEYS\u0001a"),
                new BatchBodyDecoder.Entry(2, ByteBuffer.wrap(new byte[0]), ""));
        List<Message> decoded = MessageDecoder.decodeMessages(BatchBodyDecoder.encode(entries));
        assertThat(decoded).hasSize(2);
        assertThat(decoded.get(0).getKeys()).isEqualTo("a");
        assertThat(decoded.get(1).getFlag()).isEqualTo(2);
    }

    @Test
    void malformedBatchesAreRefusedWithAReason() {
        byte[] good = MessageDecoder.encodeMessages(officialMessages());
        ByteBuffer cut = ByteBuffer.wrap(good, 0, good.length - 3).slice();
        assertThat(BatchBodyDecoder.decode(cut))
                .isInstanceOfSatisfying(
                        BatchBodyDecoder.Result.Malformed.class,
                        m -> assertThat(m.reason()).contains("message 2"));

        ByteBuffer badLen = ByteBuffer.wrap(good.clone());
        badLen.putInt(BatchBodyDecoder.BODY_LENGTH_OFFSET, 1000);
        assertThat(BatchBodyDecoder.decode(badLen))
                .isInstanceOfSatisfying(
                        BatchBodyDecoder.Result.Malformed.class,
                        m -> assertThat(m.reason()).contains("message 0"));

        assertThat(BatchBodyDecoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(BatchBodyDecoder.Result.Malformed.class);
        assertThat(BatchBodyDecoder.decode(ByteBuffer.allocate(5)))
                .isInstanceOf(BatchBodyDecoder.Result.Malformed.class);
    }
}
