package io.rocketkube.client.remoting;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of requests an endpoint has accepted but not yet answered, summed over all its connections, and
 * the ceiling on that sum. A frame reserves its whole size when its length word arrives, before a byte of its
 * body is buffered, and gives it back when its request is answered (or its response matched), so the sum
 * bounds what 1,000 connections half-way through 16 MiB frames can make us hold: without it they hold 16 GiB.
 *
 * <p>Small frames (heartbeats, pulls, offsets, admin, probes) may use the whole budget; large ones stop short
 * of it by {@code reserve}, so a flood of big sends cannot keep the control traffic of other clients out:
 *
 * <pre>
 * 0 ───────────── large frames ───────────── limit-reserve ──── small frames only ──── limit
 * </pre>
 *
 * <p>Small frames are reserved once they are whole, large ones when their length word arrives
 * ({@link FrameDecoder}), so a connection that announces a frame and sends nothing more can only hold the
 * large frames' share.
 *
 * <p>A frame that does not fit is shed, not waited for (see {@link FrameDecoder}): waiting would hold its
 * connection's partial frame and could wait behind held pulls for their whole suspend time. Thread-safe.
 */
public final class InboundBudget {
    /** Frames up to this size count as small. */
    static final int SMALL_FRAME_BYTES = 64 * 1024;

    private final long limit;
    private final long reserve;
    private final long perConnectionLimit;
    private final AtomicLong queued = new AtomicLong();

    /**
     * @param limit              bytes of accepted, unanswered requests over all connections
     * @param perConnectionLimit a connection stops being read once it has this much queued, until half of it
     *                           is answered
     */
    public InboundBudget(long limit, long perConnectionLimit) {
        if (limit <= 0 || perConnectionLimit <= 0) {
            throw new IllegalArgumentException("inbound budget must be positive, was " + limit + " total, "
                    + perConnectionLimit + " per connection");
        }
        this.limit = limit;
        this.reserve = Math.min(limit / 8, 16L * 1024 * 1024);
        this.perConnectionLimit = perConnectionLimit;
    }

    /** No ceiling: clients, whose inbound traffic is the answers to their own bounded requests. */
    public static InboundBudget unlimited() {
        return new InboundBudget(Long.MAX_VALUE / 2, Long.MAX_VALUE / 2);
    }

    /** Reserves {@code bytes} if they fit; false means shed the frame. */
    boolean tryReserve(long bytes) {
        long ceiling = bytes <= SMALL_FRAME_BYTES ? limit : limit - reserve;
        while (true) {
            long current = queued.get();
            if (current + bytes > ceiling) {
                return false;
            }
            if (queued.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        queued.addAndGet(-bytes);
    }

    public long queuedBytes() {
        return queued.get();
    }

    public long limit() {
        return limit;
    }

    long perConnectionLimit() {
        return perConnectionLimit;
    }
}
