package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Turns the byte stream into {@link RemotingCommand}s. Frame layout (big-endian):
 *
 * <pre>
 * offset  size  field
 * 0       4     totalLength  = 4 + headerLength + bodyLength (does not count itself)
 * 4       4     headerWord   = serializeType &lt;&lt; 24 | headerLength (24 bits)
 * 8       H     header       JSON or ROCKETMQ binary, per serializeType
 * 8+H     B     body         B = totalLength - 4 - H
 * </pre>
 *
 * <p>An explicit two-state machine. A length above {@code maxFrameLength} fails at once, before any of the
 * frame is buffered, so a hostile length cannot make us hold 2 GiB; every decode error is a
 * {@link MalformedFrameException}, after which the channel handler closes the connection, because a
 * stream that lost its framing cannot be resynchronised.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    static final int LENGTH_FIELD_SIZE = Integer.BYTES;
    static final int HEADER_WORD_SIZE = Integer.BYTES;
    private static final int HEADER_LENGTH_MASK = 0xFFFFFF;

    /** FAILED swallows everything after a decode error, while the handler closes the channel. */
    private enum State { READ_LENGTH, READ_FRAME, FAILED }

    private final int maxFrameLength;
    private State state = State.READ_LENGTH;
    private int frameLength;

    public FrameDecoder(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decodeFrames(in, out);
        } catch (MalformedFrameException e) {
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeFrames(ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case READ_LENGTH -> {
                    if (in.readableBytes() < LENGTH_FIELD_SIZE) {
                        return;
                    }
                    frameLength = in.readInt();
                    if (frameLength < HEADER_WORD_SIZE) {
                        throw new MalformedFrameException("frame length " + frameLength + " is smaller than "
                                + "its header word");
                    }
                    if (frameLength > maxFrameLength) {
                        throw new MalformedFrameException("frame length " + frameLength + " exceeds the maximum "
                                + maxFrameLength);
                    }
                    state = State.READ_FRAME;
                }
                case READ_FRAME -> {
                    if (in.readableBytes() < frameLength) {
                        return;
                    }
                    out.add(decodeFrame(in, frameLength));
                    state = State.READ_LENGTH;
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** Decodes one frame whose length word has been consumed; {@code in} holds at least the frame. */
    static RemotingCommand decodeFrame(ByteBuf in, int frameLength) {
        int frameEnd = in.readerIndex() + frameLength;
        int headerWord = in.readInt();
        SerializeType type = SerializeType.ofCode((headerWord >>> 24) & 0xFF);
        int headerLength = headerWord & HEADER_LENGTH_MASK;
        if (type == null) {
            in.readerIndex(frameEnd);
            throw new MalformedFrameException("unknown serialize type " + ((headerWord >>> 24) & 0xFF));
        }
        if (headerLength > frameLength - HEADER_WORD_SIZE) {
            in.readerIndex(frameEnd);
            throw new MalformedFrameException("header length " + headerLength + " exceeds the frame length "
                    + frameLength);
        }
        byte[] header = new byte[headerLength];
        in.readBytes(header);
        RemotingCommand command = type == SerializeType.JSON
                ? JsonHeaderCodec.decode(header, 0, headerLength)
                : BinaryHeaderCodec.decode(header, 0, headerLength);
        int bodyLength = frameEnd - in.readerIndex();
        if (bodyLength > 0) {
            byte[] body = new byte[bodyLength];
            in.readBytes(body);
            command.withBody(body);
        }
        return command;
    }
}
