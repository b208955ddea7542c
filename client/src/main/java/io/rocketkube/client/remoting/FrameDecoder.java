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
 * <p>An explicit state machine:
 *
 * <pre>
 * READ_LENGTH ─► ADMIT ─┬─ admitted ─► READ_HEADER ─┬─► SLICE_BODY ─► (command) ─► READ_LENGTH
 *                 │     │                            └─► READ_BODY ──► (command) ─► READ_LENGTH
 *                 │     └─ no room ──► READ_HEADER ─► (shed) ─► SKIP_BODY ────► READ_LENGTH
 *                 └─ connection backlog: reads paused, ADMIT again when it drained
 * </pre>
 *
 * <p>A length above {@code maxFrameLength} fails at once, before any of the frame is buffered, so a hostile
 * length cannot make us hold 2 GiB. Below it, the whole frame is reserved against the connection's
 * {@link ReadGate} and the endpoint's {@link InboundBudget} before its body is buffered. A small frame (up to
 * {@link InboundBudget#SMALL_FRAME_BYTES}) is admitted only once all of it is in the read buffer: at most that
 * much per connection waits there unreserved, and a length word alone reserves nothing. Reserving at the
 * length word let a few hundred connections that each sent one announcing 64 KiB, and then nothing, take the
 * whole budget, so that every other client was answered SYSTEM_BUSY until they timed out.
 *
 * <p>A request's body of up to {@link #MAX_SLICED_BODY} bytes is handed on as a retained slice of the
 * cumulation buffer once it is all there, as Netty's {@code LengthFieldBasedFrameDecoder} does: the send path
 * appends it to the store without a copy, and the endpoint releases it when the request is answered (see
 * {@link RemotingCommand}). Larger bodies, and every response's (a response's body goes to whichever thread
 * waits for it, beyond any release point of ours), are copied straight into an array of their exact size as
 * they arrive, so the cumulation buffer never grows to a 4 MiB frame, and it holds at most a slice's worth
 * more than a read. A slice pins the read buffer it came from until its request is answered; the budget counts
 * the frame's bytes, not the buffer's. A frame the budget has no room for is shed: its header alone is decoded (to answer SYSTEM_BUSY
 * with its opaque) and its body skipped as it arrives. Every decode error is a {@link MalformedFrameException},
 * after which the channel handler closes the connection, because a stream that lost its framing cannot be
 * resynchronised.
 *
 * <p>A peer that stops part-way through a frame, or trickles it, is closed by the connection's
 * {@link StallWatch}, which this decoder tells what arrives.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    static final int LENGTH_FIELD_SIZE = Integer.BYTES;
    static final int HEADER_WORD_SIZE = Integer.BYTES;
    private static final int HEADER_LENGTH_MASK = 0xFFFFFF;
    /** Request bodies up to this size are sliced, larger ones copied as they arrive (class comment). */
    static final int MAX_SLICED_BODY = 64 * 1024;
    /** Header scratch kept per connection; a larger header gets an array of its own. */
    private static final int MAX_KEPT_SCRATCH = 4096;

    /** A request that did not fit the inbound budget: header only, to be answered SYSTEM_BUSY. */
    record Shed(RemotingCommand command) {}

    /** FAILED swallows everything after a decode error, while the handler closes the channel. */
    private enum State {
        READ_LENGTH,
        ADMIT,
        READ_HEADER,
        SLICE_BODY,
        READ_BODY,
        SKIP_BODY,
        FAILED
    }

    private final int maxFrameLength;
    private final InboundBudget budget;
    private final ReadGate gate;
    private State state = State.READ_LENGTH;
    private int frameLength;
    /** Bytes reserved for the frame being read; 0 when it is shed. */
    private int reserved;

    private RemotingCommand command;
    private byte[] body;
    private int bodyFilled;
    private int sliceLength;
    /** Where a header in a direct buffer is copied for the header codecs; reused, one connection = one thread. */
    private byte[] scratch = new byte[512];

    private int skipRemaining;

    private final StallWatch stallWatch;

    /** Without a budget: every frame up to {@code maxFrameLength} is admitted (tests, golden frames). */
    public FrameDecoder(int maxFrameLength) {
        this(maxFrameLength, InboundBudget.unlimited(), null);
    }

    FrameDecoder(int maxFrameLength, InboundBudget budget, ReadGate gate) {
        this(maxFrameLength, budget, gate, new StallWatch(StallWatch.STALLED_FRAME_TIMEOUT, StallWatch.MIN_FRAME_RATE));
    }

    FrameDecoder(int maxFrameLength, InboundBudget budget, ReadGate gate, StallWatch stallWatch) {
        this.maxFrameLength = maxFrameLength;
        this.budget = budget;
        this.gate = gate;
        this.stallWatch = stallWatch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        stallWatch.start(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        stallWatch.bytesArrived();
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            decodeFrames(in, out);
            stallWatch.decoded(state != State.READ_LENGTH || in.isReadable(), state != State.READ_LENGTH);
        } catch (MalformedFrameException e) {
            state = State.FAILED;
            giveBack();
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        // The connection closed part-way through an admitted frame: nobody will answer it.
        stallWatch.stop();
        giveBack();
    }

    private void decodeFrames(ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case READ_LENGTH -> {
                    if (in.readableBytes() < LENGTH_FIELD_SIZE) {
                        return;
                    }
                    frameLength = in.readInt();
                    stallWatch.frameStarted(LENGTH_FIELD_SIZE + (long) frameLength);
                    if (frameLength < HEADER_WORD_SIZE) {
                        throw new MalformedFrameException(
                                "frame length " + frameLength + " is smaller than " + "its header word");
                    }
                    if (frameLength > maxFrameLength) {
                        throw new MalformedFrameException(
                                "frame length " + frameLength + " exceeds the maximum " + maxFrameLength);
                    }
                    state = State.ADMIT;
                }
                case ADMIT -> {
                    int frameBytes = LENGTH_FIELD_SIZE + frameLength;
                    if (frameBytes <= InboundBudget.SMALL_FRAME_BYTES && in.readableBytes() < frameLength) {
                        return;
                    }
                    if (!admit(frameBytes)) {
                        return;
                    }
                    state = State.READ_HEADER;
                }
                case READ_HEADER -> {
                    if (!readHeader(in, out)) {
                        return;
                    }
                }
                case SLICE_BODY -> {
                    if (in.readableBytes() < sliceLength) {
                        return;
                    }
                    command.withInboundBody(in.readRetainedSlice(sliceLength));
                    emit(out);
                }
                case READ_BODY -> {
                    int n = Math.min(in.readableBytes(), body.length - bodyFilled);
                    in.readBytes(body, bodyFilled, n);
                    bodyFilled += n;
                    if (bodyFilled < body.length) {
                        return;
                    }
                    command.withBody(body);
                    emit(out);
                }
                case SKIP_BODY -> {
                    int n = Math.min(in.readableBytes(), skipRemaining);
                    in.skipBytes(n);
                    skipRemaining -= n;
                    if (skipRemaining > 0) {
                        return;
                    }
                    state = State.READ_LENGTH;
                }
                case FAILED -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** False while the connection's backlog keeps the frame out (reads are paused then). */
    private boolean admit(int frameBytes) {
        if (gate != null && !gate.admit(frameBytes)) {
            return false;
        }
        if (budget.tryReserve(frameBytes)) {
            reserved = frameBytes;
        } else {
            if (gate != null) {
                gate.release(frameBytes);
            }
            reserved = 0;
        }
        return true;
    }

    /** False until the header word and header are buffered; then decodes them and picks the body state. */
    private boolean readHeader(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_WORD_SIZE) {
            return false;
        }
        int headerWord = in.getInt(in.readerIndex());
        int headerLength = headerWord & HEADER_LENGTH_MASK;
        if (headerLength > frameLength - HEADER_WORD_SIZE) {
            throw new MalformedFrameException(
                    "header length " + headerLength + " exceeds the frame length " + frameLength);
        }
        if (reserved == 0 && headerLength > InboundBudget.SMALL_FRAME_BYTES) {
            throw new MalformedFrameException("frame of " + frameLength + " bytes with a " + headerLength
                    + "-byte header arrived while the inbound budget is exhausted");
        }
        if (in.readableBytes() < HEADER_WORD_SIZE + headerLength) {
            return false;
        }
        in.skipBytes(HEADER_WORD_SIZE);
        command = decodeHeader(in, headerWord);
        in.skipBytes(headerLength);
        int bodyLength = frameLength - HEADER_WORD_SIZE - headerLength;
        if (reserved == 0) {
            out.add(new Shed(command));
            command = null;
            skipRemaining = bodyLength;
            state = State.SKIP_BODY;
        } else if (bodyLength > 0 && bodyLength <= MAX_SLICED_BODY && !command.isResponse()) {
            sliceLength = bodyLength;
            state = State.SLICE_BODY;
        } else if (bodyLength > 0) {
            body = new byte[bodyLength];
            bodyFilled = 0;
            state = State.READ_BODY;
        } else {
            emit(out);
        }
        return true;
    }

    private void emit(List<Object> out) {
        command.admitted(reserved);
        out.add(command);
        command = null;
        body = null;
        reserved = 0;
        state = State.READ_LENGTH;
    }

    /** Returns the reservation of a frame that will never reach a processor. */
    private void giveBack() {
        if (reserved > 0) {
            budget.release(reserved);
            if (gate != null) {
                gate.release(reserved);
            }
        }
        reserved = 0;
        body = null;
        command = null;
    }

    /**
     * Decodes the header whose word has been consumed; {@code in} holds at least the header, which stays
     * unread. Read in place where the buffer is an array, else through the scratch array: no array per frame.
     */
    private RemotingCommand decodeHeader(ByteBuf in, int headerWord) {
        SerializeType type = SerializeType.ofCode((headerWord >>> 24) & 0xFF);
        int headerLength = headerWord & HEADER_LENGTH_MASK;
        if (type == null) {
            throw new MalformedFrameException("unknown serialize type " + ((headerWord >>> 24) & 0xFF));
        }
        byte[] header;
        int offset;
        if (in.hasArray()) {
            header = in.array();
            offset = in.arrayOffset() + in.readerIndex();
        } else {
            header = headerLength <= scratch.length ? scratch : new byte[headerLength];
            if (header != scratch && headerLength <= MAX_KEPT_SCRATCH) {
                scratch = header;
            }
            in.getBytes(in.readerIndex(), header, 0, headerLength);
            offset = 0;
        }
        return type == SerializeType.JSON
                ? JsonHeaderCodec.decode(header, offset, headerLength)
                : BinaryHeaderCodec.decode(header, offset, headerLength);
    }
}
