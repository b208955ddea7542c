package io.rocketkube.client.remoting;

import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes, with a logged reason, a connection whose peer has sent part of a frame and then nothing for
 * {@link #STALLED_FRAME_TIMEOUT} while we were reading, or has taken longer over the frame than that timeout
 * plus its size at {@link #MIN_FRAME_RATE} bytes per second (a 4 MiB frame: 31 s; the largest, 16 MiB: 79 s).
 *
 * <p>Why: {@link FrameDecoder} reserves a large frame's announced size as soon as its length word is read (it
 * is copied as it arrives, so its memory must be bounded before it comes), so without this a few connections
 * that each announce 16 MiB and stop, or trickle a byte now and then, would hold the large frames' share of the
 * inbound budget, and every other client's large send would be answered SYSTEM_BUSY until the idle timeout
 * (120 s), or for ever. Writers put a whole frame on the wire at once; a peer that stops half-way is gone or
 * hostile. While our side paused the reads (the connection's backlog, or its peer not reading our answers) the
 * peer's silence is ours, and it does not count.
 *
 * <p>The check runs every third of the timeout, so a peer is closed up to a third later than these bounds.
 * One per connection, told by its decoder what arrives; everything runs on the channel's event loop.
 */
final class StallWatch {
    /** How long a peer may stop in the middle of a frame before it is closed. */
    static final Duration STALLED_FRAME_TIMEOUT = Duration.ofSeconds(15);
    /** Bytes per second below which a frame, once begun, is given up on. */
    static final long MIN_FRAME_RATE = 256 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    private final long stallNanos;
    private final long minFrameRate;
    private ChannelHandlerContext context;
    private ScheduledFuture<?> check;
    /** When bytes last arrived, or when the check last saw our side pause the reads. */
    private long lastReadNanos;
    /** The frame being read, from its length word; 0 before that. */
    private long frameBytes;

    private long frameStartNanos;
    /** When that frame must be whole; pushed on while our side pauses the reads. */
    private long frameDeadlineNanos;
    /** Whether the last decode ended part-way through a frame. */
    private boolean partial;

    StallWatch(Duration stalledFrameTimeout, long minFrameRate) {
        this.stallNanos = stalledFrameTimeout.toNanos();
        this.minFrameRate = minFrameRate;
    }

    void start(ChannelHandlerContext ctx) {
        context = ctx;
        lastReadNanos = System.nanoTime();
        long period = Math.max(stallNanos / 3, TimeUnit.MILLISECONDS.toNanos(1));
        check = ctx.executor().scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    void bytesArrived() {
        lastReadNanos = System.nanoTime();
    }

    /** A length word was read: {@code bytes} is the whole frame's size, length word included. */
    void frameStarted(long bytes) {
        frameBytes = bytes;
        frameStartNanos = System.nanoTime();
        frameDeadlineNanos = frameStartNanos + stallNanos + bytes * 1_000_000_000L / minFrameRate;
    }

    /**
     * @param partialFrame whether the decode ended part-way through a frame
     * @param lengthKnown  whether that frame's length word has been read
     */
    void decoded(boolean partialFrame, boolean lengthKnown) {
        partial = partialFrame;
        if (!lengthKnown) {
            frameBytes = 0;
        }
    }

    private void check() {
        long now = System.nanoTime();
        if (!context.channel().isActive()) {
            return;
        }
        if (!context.channel().config().isAutoRead()) {
            lastReadNanos = now;
            frameDeadlineNanos = Math.max(frameDeadlineNanos, now + stallNanos);
            return;
        }
        if (!partial) {
            return;
        }
        String frame = frameBytes == 0 ? "frame" : frameBytes + "-byte frame";
        if (now - lastReadNanos >= stallNanos) {
            close("it sent part of a " + frame + " and nothing more for "
                    + TimeUnit.NANOSECONDS.toMillis(now - lastReadNanos) + " ms");
        } else if (frameBytes > 0 && now - frameDeadlineNanos >= 0) {
            close("its " + frame + " is still not whole after the "
                    + TimeUnit.NANOSECONDS.toMillis(frameDeadlineNanos - frameStartNanos) + " ms allowed for it");
        }
    }

    private void close(String reason) {
        LOG.warn("closing {}: {}", context.channel().remoteAddress(), reason);
        stop();
        context.close();
    }
}
