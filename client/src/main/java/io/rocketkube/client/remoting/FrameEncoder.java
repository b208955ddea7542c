package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link RemotingCommand} as one frame (layout in {@link FrameDecoder}). A command whose body is a
 * {@link ByteBuf} is written as two buffers, so stored message bytes reach the socket without a copy.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<RemotingCommand> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {}

    @Override
    protected void encode(ChannelHandlerContext ctx, RemotingCommand command, List<Object> out) {
        ByteBuf bodyBuffer = command.bodyBuffer();
        byte[] header = encodeHeader(command);
        int bodyLength = command.bodyLength();
        byte[] body = command.body();
        int prefixLength = FrameDecoder.LENGTH_FIELD_SIZE + FrameDecoder.HEADER_WORD_SIZE + header.length;
        ByteBuf prefix = ctx.alloc().buffer(prefixLength + (body == null ? 0 : body.length));
        prefix.writeInt(FrameDecoder.HEADER_WORD_SIZE + header.length + bodyLength);
        prefix.writeInt((command.serializeType().code() << 24) | header.length);
        prefix.writeBytes(header);
        if (body != null) {
            prefix.writeBytes(body);
        }
        out.add(prefix);
        if (bodyBuffer != null) {
            // MessageToMessageEncoder releases the command, not its parts: pass our reference on.
            out.add(bodyBuffer);
        }
    }

    /** The header bytes in the command's serialize type. */
    public static byte[] encodeHeader(RemotingCommand command) {
        return command.serializeType() == SerializeType.ROCKETMQ
                ? BinaryHeaderCodec.encode(command)
                : JsonHeaderCodec.encode(command);
    }
}
