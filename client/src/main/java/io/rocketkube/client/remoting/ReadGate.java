package io.rocketkube.client.remoting;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection's read switch and the bytes of its requests that are accepted but not yet answered. Reading
 * stops while the peer does not read our answers (channel unwritable) or while its own backlog is past the
 * per-connection limit, and resumes when both clear; the backlog resumes at half the limit, so a connection
 * at the edge is not switched on and off per request (Pulsar's maxPendingSendRequests / resumeReadsThreshold).
 *
 * <p>It sits first in the pipeline and also drops {@code read()} calls while paused: {@code ByteToMessageDecoder}
 * asks for one more read whenever a read produced no message and autoRead is off, which would otherwise keep
 * a paused connection mid-frame reading. Reasons are changed on the event loop only; {@link #release} may be
 * called from any thread and hops to the event loop to resume.
 */
final class ReadGate extends ChannelDuplexHandler {
    static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "gate");
    private static final int UNWRITABLE = 1;
    private static final int BACKLOG = 1 << 1;

    private final long limit;
    private final AtomicLong queued = new AtomicLong();
    private ChannelHandlerContext ctx;
    private int pausedFor;
    private volatile boolean backlogPaused;

    ReadGate(long limit) {
        this.limit = limit;
    }

    static ReadGate of(Channel channel) {
        return channel.attr(KEY).get();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        context.channel().attr(KEY).set(this);
    }

    /**
     * Event loop. Counts a frame of {@code bytes} against this connection, or pauses reading and answers false
     * when the connection's backlog already reached the limit; {@link FrameDecoder} then keeps the length word
     * and asks again once the backlog drained to half. Checked before the frame rather than with it, so a
     * frame of maximum length still enters beside the connection's parked pulls: the backlog is bounded by
     * the limit plus one frame.
     */
    boolean admit(long bytes) {
        if (queued.get() >= limit) {
            backlogPaused = true;
            if (!resumable(queued.get())) {
                pause(BACKLOG);
                return false;
            }
            // Drained between the check and the flag; whoever drained it may not have seen the flag.
            backlogPaused = false;
        }
        queued.addAndGet(bytes);
        return true;
    }

    /** Any thread: the request of an admitted frame was answered. */
    void release(long bytes) {
        long left = queued.addAndGet(-bytes);
        if (backlogPaused && resumable(left)) {
            try {
                ctx.channel().eventLoop().execute(this::resumeBacklog);
            } catch (RejectedExecutionException e) {
                // The endpoint is shutting down: there is nothing left to resume.
            }
        }
    }

    /** Half-way down, so a connection at the edge is not switched on and off per request. */
    private boolean resumable(long current) {
        return current <= limit / 2;
    }

    long queuedBytes() {
        return queued.get();
    }

    boolean isPaused() {
        return pausedFor != 0;
    }

    void writabilityChanged(boolean writable) {
        if (writable) {
            resume(UNWRITABLE);
        } else {
            pause(UNWRITABLE);
        }
    }

    private void resumeBacklog() {
        if (!backlogPaused || !resumable(queued.get()) || !ctx.channel().isActive()) {
            return;
        }
        backlogPaused = false;
        resume(BACKLOG);
        // The frame that waited may already be wholly buffered, with no more bytes coming to run the decoder.
        // The read is completed too: FlushConsolidationHandler holds flushes back until a read completes.
        ctx.fireChannelRead(Unpooled.EMPTY_BUFFER);
        ctx.fireChannelReadComplete();
    }

    private void pause(int reason) {
        pausedFor |= reason;
        ctx.channel().config().setAutoRead(false);
    }

    private void resume(int reason) {
        pausedFor &= ~reason;
        if (pausedFor == 0) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void read(ChannelHandlerContext context) {
        if (pausedFor == 0) {
            context.read();
        }
    }
}
