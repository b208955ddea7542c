package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An error remark quoting a hostile request stays short enough for the frame's 24-bit header length. */
class LongRemarkTest {

    @Test
    void aRemarkQuotingMegabytesOfControlCharactersIsCutAndTheFrameStaysReadable() {
        RemotingCommand request = RemotingCommand.request(25);
        String quoted = "\u0001".repeat(2_800_000);
        String remark = "broker config key [" + quoted + "] is unknown";
        RemotingCommand response = request.response(1, remark);

        EmbeddedChannel wire = new EmbeddedChannel(FrameEncoder.INSTANCE);
        wire.writeOutbound(response);
        EmbeddedChannel reader = new EmbeddedChannel(new FrameDecoder(16 * 1024 * 1024));
        ByteBuf frame;
        while ((frame = wire.readOutbound()) != null) {
            reader.writeInbound(frame);
        }
        RemotingCommand decoded = reader.readInbound();

        assertThat(decoded.opaque()).isEqualTo(request.opaque());
        assertThat(decoded.code()).isEqualTo(1);
        assertThat(decoded.remark())
                .isEqualTo(remark.substring(0, RemotingCommand.MAX_REMARK_CHARS) + "... ("
                        + (remark.length() - RemotingCommand.MAX_REMARK_CHARS) + " more characters)");
        wire.finishAndReleaseAll();
        reader.finishAndReleaseAll();
    }

    @Test
    void aHeaderBeyondTwentyFourBitsIsRefusedRatherThanWrittenWrong() {
        RemotingCommand command = RemotingCommand.request(10);
        command.withExtFields(Map.of("k", "x".repeat(17 * 1024 * 1024)));
        EmbeddedChannel wire = new EmbeddedChannel(FrameEncoder.INSTANCE);
        // Without leak tracking: the suite's paranoid level records every one of the 17 million byte writes.
        wire.config().setAllocator(new UnpooledByteBufAllocator(false, true));

        assertThatThrownBy(() -> wire.writeOutbound(command))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("24-bit");
        assertThat((Object) wire.readOutbound()).isNull();
        wire.finishAndReleaseAll();
    }
}
