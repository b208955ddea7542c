package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Writes a {@link RemotingCommand} as one frame (layout in {@link FrameDecoder}). A command whose body is a
 * {@link ByteBuf} is written as two buffers, so stored message bytes reach the socket without a copy.
 */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<RemotingCommand> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();
    /** Length fields and a typical header; the buffer grows for a larger one. */
    private static final int PREFIX_ESTIMATE = 512;

    private static final int MAX_HEADER_LENGTH = 0xFFFFFF;

    private FrameEncoder() {}

    @Override
    protected void encode(ChannelHandlerContext ctx, RemotingCommand command, List<Object> out) {
        ByteBuf bodyBuffer = command.bodyBuffer();
        int bodyLength = command.bodyLength();
        byte[] body = bodyBuffer == null ? command.body() : null;
        int arrayBodyLength = body == null ? 0 : body.length;
        ByteBuf prefix = ctx.alloc().buffer(PREFIX_ESTIMATE + arrayBodyLength);
        try {
            prefix.writerIndex(FrameDecoder.LENGTH_FIELD_SIZE + FrameDecoder.HEADER_WORD_SIZE);
            writeHeader(command, prefix);
            int headerLength = prefix.writerIndex() - FrameDecoder.LENGTH_FIELD_SIZE - FrameDecoder.HEADER_WORD_SIZE;
            if (headerLength > MAX_HEADER_LENGTH) {
                // Its length would spill into the serialize-type byte: every reader would misread the stream.
                throw new EncoderException("a " + headerLength + "-byte header does not fit the frame's 24-bit"
                        + " header length; command " + command.code() + ", opaque " + command.opaque());
            }
            prefix.setInt(0, FrameDecoder.HEADER_WORD_SIZE + headerLength + bodyLength);
            prefix.setInt(
                    FrameDecoder.LENGTH_FIELD_SIZE, (command.serializeType().code() << 24) | headerLength);
            if (body != null) {
                prefix.writeBytes(body);
            }
        } catch (RuntimeException e) {
            prefix.release();
            throw e;
        }
        out.add(prefix);
        if (bodyBuffer != null) {
            // MessageToMessageEncoder releases the command, not its parts: pass our reference on.
            out.add(bodyBuffer);
        }
    }

    /** The header bytes in the command's serialize type. */
    public static byte[] encodeHeader(RemotingCommand command) {
        ByteBuf header = Unpooled.buffer(PREFIX_ESTIMATE);
        writeHeader(command, header);
        return ByteBufUtil.getBytes(header);
    }

    /** Appends the header straight to the frame's buffer: no header array on the way (JSON is most frames). */
    private static void writeHeader(RemotingCommand command, ByteBuf out) {
        if (command.serializeType() == SerializeType.ROCKETMQ) {
            out.writeBytes(BinaryHeaderCodec.encode(command));
        } else {
            JsonHeaderCodec.encode(command, out);
        }
    }
}
