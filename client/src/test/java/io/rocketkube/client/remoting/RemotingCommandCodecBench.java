package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;

/**
 * The package-private codec steps for {@code bench.HeaderCodecBenchmark}; each returns something derived
 * from its work so the loop cannot be optimised away. The Jackson variants do what every frame did before
 * the hand-written paths: encode into a growing array, copy it out, copy it into the frame; decode from a
 * copy of the header.
 */
public final class RemotingCommandCodecBench {
    private static final ByteBuf OUT = Unpooled.buffer(1024);
    private static final EmbeddedChannel ENCODER = new EmbeddedChannel(FrameEncoder.INSTANCE);
    private static final EmbeddedChannel DECODER = new EmbeddedChannel(new FrameDecoder(1 << 20));

    private RemotingCommandCodecBench() {}

    public static long encodeFast(RemotingCommand command) {
        OUT.clear();
        JsonHeaderCodec.encode(command, OUT);
        return OUT.writerIndex();
    }

    public static long encodeJackson(RemotingCommand command) {
        OUT.clear();
        ByteBuf growing = Unpooled.buffer(128 + 32 * command.extFields().size());
        JsonHeaderCodec.encodeWithJackson(command, growing);
        OUT.writeBytes(ByteBufUtil.getBytes(growing));
        return OUT.writerIndex();
    }

    public static byte[] header(RemotingCommand command) {
        OUT.clear();
        JsonHeaderCodec.encode(command, OUT);
        return ByteBufUtil.getBytes(OUT);
    }

    public static long decodeFast(byte[] header) {
        return JsonHeaderCodec.decode(header, 0, header.length).opaque();
    }

    public static long decodeJackson(byte[] header) {
        byte[] copy = Arrays.copyOf(header, header.length);
        return JsonHeaderCodec.decodeWithJackson(copy, 0, copy.length).opaque();
    }

    public static ByteBuf frame(RemotingCommand command, ByteBufAllocator alloc) {
        ENCODER.writeOutbound(command);
        ByteBuf wire = alloc.directBuffer();
        for (Object part = ENCODER.readOutbound(); part != null; part = ENCODER.readOutbound()) {
            wire.writeBytes((ByteBuf) part);
            ((ByteBuf) part).release();
        }
        return wire;
    }

    public static long encodeFrame(RemotingCommand command) {
        ENCODER.writeOutbound(command);
        long bytes = 0;
        for (Object part = ENCODER.readOutbound(); part != null; part = ENCODER.readOutbound()) {
            bytes += ((ByteBuf) part).readableBytes();
            ((ByteBuf) part).release();
        }
        return bytes;
    }

    public static long decodeFrame(ByteBuf frame) {
        DECODER.writeInbound(frame.retainedDuplicate());
        RemotingCommand command = DECODER.readInbound();
        long length = command.bodyByteBuffer().remaining();
        command.releaseInboundBody();
        return length;
    }
}
