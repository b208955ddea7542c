package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 5.3.3 remoting jar as the oracle, for both header forms: its frames decode to the same commands in our
 * codec, and ours decode in its decoder. Lives here because the 5.x jars share package names with the 4.9.8
 * ones that the client module's own golden test uses. In our codec's package so it may build raw commands.
 */
class GoldenFrameV5Test {
    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void officialV5SendRequestDecodesInOurCodec(SerializeType type) throws Exception {
        SendMessageRequestHeaderV2 header = new SendMessageRequestHeaderV2();
        header.setA("PG");
        header.setB("T1");
        header.setC("TBW102");
        header.setD(4);
        header.setE(1);
        header.setF(0);
        header.setG(1700000000000L);
        header.setH(0);
        header.setI("KEYS\u0001k1\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002");
        header.setJ(0);
        header.setK(false);
        header.setM(false);
        header.setBname("broker-a");
        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(310, header);
        official.setSerializeTypeCurrentRPC(officialType(type));
        official.setBody("hello".getBytes());
        official.makeCustomHeaderToNet();

        RemotingCommand ours = decodeOne(Unpooled.wrappedBuffer(official.encode()));

        assertThat(ours.serializeType()).isEqualTo(type);
        assertThat(ours.code()).isEqualTo(310);
        assertThat(ours.opaque()).isEqualTo(official.getOpaque());
        assertThat(ours.version()).isEqualTo(official.getVersion());
        assertThat(ours.extFields())
                .containsEntry("a", "PG")
                .containsEntry("b", "T1")
                .containsEntry("bname", "broker-a")
                .containsEntry("i", "KEYS\u0001k1\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002");
        assertThat(ours.body()).isEqualTo("hello".getBytes());
    }

    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void officialV5PullRequestDecodesInOurCodec(SerializeType type) throws Exception {
        PullMessageRequestHeader header = new PullMessageRequestHeader();
        header.setConsumerGroup("CG");
        header.setTopic("T1");
        header.setQueueId(3);
        header.setQueueOffset(42L);
        header.setMaxMsgNums(32);
        header.setSysFlag(2);
        header.setCommitOffset(40L);
        header.setSuspendTimeoutMillis(15000L);
        header.setSubVersion(1700000000000L);
        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(11, header);
        official.setSerializeTypeCurrentRPC(officialType(type));
        official.makeCustomHeaderToNet();

        RemotingCommand ours = decodeOne(Unpooled.wrappedBuffer(official.encode()));

        assertThat(ours.code()).isEqualTo(11);
        assertThat(ours.extFields())
                .containsEntry("consumerGroup", "CG")
                .containsEntry("queueId", "3")
                .containsEntry("queueOffset", "42")
                .containsEntry("maxMsgNums", "32")
                .containsEntry("suspendTimeoutMillis", "15000");
    }

    @ParameterizedTest
    @EnumSource(SerializeType.class)
    void ourResponseDecodesInTheOfficialV5Codec(SerializeType type) throws Exception {
        RemotingCommand request = RemotingCommand.request(11).withSerializeType(type);
        RemotingCommand response = request.response(19, "no new message")
                .withExtField("nextBeginOffset", 42L)
                .withExtField("minOffset", 0L)
                .withExtField("maxOffset", 42L)
                .withExtField("suggestWhichBrokerId", 0L);
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(response);
        ByteBuf wire = Unpooled.buffer();
        for (Object part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            wire.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        assertThat(wire.readInt()).isEqualTo(wire.readableBytes());

        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.decode(wire.nioBuffer());

        assertThat(official.getSerializeTypeCurrentRPC()).isEqualTo(officialType(type));
        assertThat(official.getCode()).isEqualTo(19);
        assertThat(official.getOpaque()).isEqualTo(request.opaque());
        assertThat(official.isResponseType()).isTrue();
        assertThat(official.getRemark()).isEqualTo("no new message");
        assertThat(official.getExtFields())
                .isEqualTo(Map.of(
                        "nextBeginOffset", "42", "minOffset", "0", "maxOffset", "42", "suggestWhichBrokerId", "0"));
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
