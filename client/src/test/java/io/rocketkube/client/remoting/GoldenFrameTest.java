package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.common.protocol.header.SendMessageRequestHeaderV2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Frames produced by the official 4.9.8 remoting jar decode to the same commands in our codec, and our
 * frames decode in theirs, for both header forms. (The 5.x line is checked in e2e/compat-v5.)
 */
class GoldenFrameTest {
    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void officialRequestDecodesInOurCodec(SerializeType type) throws Exception {
        SendMessageRequestHeaderV2 header = new SendMessageRequestHeaderV2();
        header.setA("PG");
        header.setB("T1");
        header.setC("TBW102");
        header.setD(4);
        header.setE(1);
        header.setF(0);
        header.setG(1700000000000L);
        header.setH(0);
        header.setI("KEYS\u0001key1 key2\u0002WAIT\u0001true\u0002TAGS\u0001TagA");
        header.setJ(0);
        header.setK(false);
        header.setM(false);
        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(310, header);
        official.setSerializeTypeCurrentRPC(officialType(type));
        official.setBody("hello".getBytes());
        official.setRemark("a remark");
        ByteBuf wire = Unpooled.wrappedBuffer(official.encode());

        RemotingCommand ours = decodeOne(wire);

        assertThat(ours.serializeType()).isEqualTo(type);
        assertThat(ours.code()).isEqualTo(310);
        assertThat(ours.opaque()).isEqualTo(official.getOpaque());
        assertThat(ours.version()).isEqualTo(official.getVersion());
        assertThat(ours.language()).isEqualTo(LanguageCode.JAVA);
        assertThat(ours.isResponse()).isFalse();
        assertThat(ours.remark()).isEqualTo("a remark");
        assertThat(ours.extFields())
                .containsEntry("a", "PG")
                .containsEntry("b", "T1")
                .containsEntry("d", "4")
                .containsEntry("g", "1700000000000")
                .containsEntry("k", "false")
                .containsEntry("i", "KEYS\u0001key1 key2\u0002WAIT\u0001true\u0002TAGS\u0001TagA");
        assertThat(ours.body()).isEqualTo("hello".getBytes());
    }

    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void ourResponseDecodesInTheOfficialCodec(SerializeType type) throws Exception {
        RemotingCommand request = RemotingCommand.request(310).withSerializeType(type);
        RemotingCommand response = request.response(0, "ok")
                .withExtField("msgId", "0A0000010000277100000000000000A0")
                .withExtField("queueId", 1)
                .withExtField("queueOffset", 5L)
                .withBody("payload");
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(response);
        ByteBuf wire = Unpooled.buffer();
        for (Object part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            wire.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        int length = wire.readInt();
        assertThat(length).isEqualTo(wire.readableBytes());
        ByteBuffer withoutLength = wire.nioBuffer();

        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.decode(withoutLength);

        assertThat(official.getSerializeTypeCurrentRPC()).isEqualTo(officialType(type));
        assertThat(official.getCode()).isZero();
        assertThat(official.getOpaque()).isEqualTo(request.opaque());
        assertThat(official.isResponseType()).isTrue();
        assertThat(official.getRemark()).isEqualTo("ok");
        assertThat(official.getVersion()).isEqualTo(RemotingCommand.OUR_VERSION);
        assertThat(official.getLanguage().name()).isEqualTo("JAVA");
        Map<String, String> expected = new HashMap<>();
        expected.put("msgId", "0A0000010000277100000000000000A0");
        expected.put("queueId", "1");
        expected.put("queueOffset", "5");
        assertThat(official.getExtFields()).isEqualTo(expected);
        assertThat(new String(official.getBody())).isEqualTo("payload");
    }

    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void ourEncodingRoundTrips(SerializeType type) {
        RemotingCommand request = RemotingCommand.request(105)
                .withSerializeType(type)
                .withExtField("topic", "T\u00e9")
                .withRemark("r\u0001")
                .markOneway();
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(request);
        ByteBuf wire = channel.readOutbound();

        RemotingCommand decoded = decodeOne(wire);

        assertThat(decoded.code()).isEqualTo(105);
        assertThat(decoded.isOneway()).isTrue();
        assertThat(decoded.remark()).isEqualTo("r\u0001");
        assertThat(decoded.extFields()).containsExactlyEntriesOf(Map.of("topic", "T\u00e9"));
        assertThat(decoded.body()).isNull();
    }

    /** The reference's documented minimal binary response, byte for byte. */
    @org.junit.jupiter.api.Test
    void minimalBinaryResponseMatchesTheReferenceBytes() {
        RemotingCommand response =
                RemotingCommand.decoded(0, LanguageCode.JAVA, 409, 9, 1, null, null, SerializeType.ROCKETMQ);
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(response);
        ByteBuf wire = channel.readOutbound();
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        assertThat(io.netty.buffer.ByteBufUtil.hexDump(bytes))
                .isEqualTo(String.join(
                        "",
                        "00000019",
                        "01000015",
                        "0000",
                        "00",
                        "0199",
                        "00000009",
                        "00000001",
                        "00000000",
                        "00000000"));
    }

    private static RemotingCommand decodeOne(ByteBuf wire) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(16 * 1024 * 1024));
        channel.writeInbound(wire);
        RemotingCommand command = channel.readInbound();
        assertThat(command).isNotNull();
        // Take the body before giving back the read buffer it may be a slice of.
        command.body();
        command.releaseInboundBody();
        return command;
    }

    private static org.apache.rocketmq.remoting.protocol.SerializeType officialType(SerializeType type) {
        return type == SerializeType.JSON
                ? org.apache.rocketmq.remoting.protocol.SerializeType.JSON
                : org.apache.rocketmq.remoting.protocol.SerializeType.ROCKETMQ;
    }
}
