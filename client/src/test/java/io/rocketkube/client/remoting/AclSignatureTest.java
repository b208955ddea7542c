package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader;
import org.junit.jupiter.api.Test;

/** Our signature is the one the official 4.9.8 {@code AclClientRPCHook} puts on the same request. */
class AclSignatureTest {
    private static final String ACCESS_KEY = "rkAdmin0001";
    private static final String SECRET_KEY = "a-secret-of-twenty-chars";

    @Test
    void officialSignatureVerifiesAndOursEqualsIt() throws Exception {
        PullMessageRequestHeader header = new PullMessageRequestHeader();
        header.setConsumerGroup("CG");
        header.setTopic("T");
        header.setQueueId(3);
        header.setQueueOffset(42L);
        header.setMaxMsgNums(32);
        header.setSysFlag(0);
        header.setCommitOffset(0L);
        header.setSuspendTimeoutMillis(15_000L);
        header.setSubscription("TagA || TagB");
        header.setSubVersion(7L);
        org.apache.rocketmq.remoting.protocol.RemotingCommand official =
                org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(11, header);
        official.setBody("a body é".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        new AclClientRPCHook(new SessionCredentials(ACCESS_KEY, SECRET_KEY)).doBeforeRequest("127.0.0.1:1", official);

        RemotingCommand decoded = decode(official.encode());
        String theirs = decoded.extFields().get(AclSignature.SIGNATURE);
        assertThat(theirs).isNotBlank();
        assertThat(decoded.extFields()).containsEntry(AclSignature.ACCESS_KEY, ACCESS_KEY);
        assertThat(AclSignature.of(decoded, SECRET_KEY)).isEqualTo(theirs);
        assertThat(AclSignature.of(decoded, SECRET_KEY + "x")).isNotEqualTo(theirs);

        RemotingCommand ours = RemotingCommand.request(11).withBody(decoded.body());
        decoded.extFields().forEach((name, value) -> {
            if (!name.equals(AclSignature.SIGNATURE) && !name.equals(AclSignature.ACCESS_KEY)) {
                ours.withExtField(name, value);
            }
        });
        AclSignature.sign(ours, ACCESS_KEY, SECRET_KEY);
        assertThat(ours.extFields())
                .containsEntry(AclSignature.ACCESS_KEY, ACCESS_KEY)
                .containsEntry(AclSignature.SIGNATURE, theirs);
    }

    private static RemotingCommand decode(java.nio.ByteBuffer frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(16 * 1024 * 1024));
        ByteBuf wire = Unpooled.wrappedBuffer(frame);
        channel.writeInbound(wire);
        RemotingCommand command = channel.readInbound();
        command.body();
        command.releaseInboundBody();
        return command;
    }
}
