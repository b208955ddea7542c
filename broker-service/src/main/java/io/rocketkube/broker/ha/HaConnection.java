package io.rocketkube.broker.ha;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.store.MessageStore;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One slave's HA connection on the master ({@link HaFrame} for the bytes). Everything runs on the connection's
 * event loop: reports are parsed as they arrive, and a 1 ms tick streams the CommitLog to the slave, sends
 * heartbeats, and does the housekeeping. A SYNC_MASTER send does not wait for the tick: it {@link #wake wakes}
 * the connection, which streams the new bytes at once.
 *
 * <p><b>Following the senders' loop.</b> A SYNC_MASTER send is answered after four steps: its frame goes out on
 * this connection, the slave appends it, its report comes back here, and the answer goes out on the client's
 * connection. With this connection on a loop of its own, the first and the last are hand-overs between threads,
 * each a wake-up of a sleeping thread that waits for a core on a busy two-core machine. So when
 * the wakes come from one client I/O loop ({@value #FOLLOW_AFTER_WAKES} in a row, at most once per second),
 * the connection moves its channel to that loop (deregister, register there): from then on the send's loop
 * queues the transfer as a task of its own (sends read in the same round share one frame), reads the report,
 * and writes the answer, with no hand-over. Wakes from elsewhere still hand over, as before. ASYNC_MASTER never
 * wakes, so its connections stay apart from client traffic.
 *
 * <p>Where a slave starts: at its first report; a report of 0 (an empty slave) starts at the beginning of the
 * master's last CommitLog segment, as RocketMQ 4.9's master does, so an Apache slave replicates from us as it would
 * from its own master. Nothing is sent before the first report.
 *
 * <p>The connection is closed, with the reason logged, when the slave
 * <ul>
 *   <li>reports a negative offset, an offset below its previous report, or an acknowledgement beyond what was
 *   sent to it on this connection (garbage: it would make a SYNC_MASTER send count as replicated when it is
 *   not);</li>
 *   <li>reports an offset beyond the master's end: the slave holds bytes this master does not have (the master
 *   came back from an older copy of its data). The master first sends an empty frame carrying its own end, so
 *   that our slave can cut its log back to it ({@code HaClient}); an Apache slave ignores it and reconnects;</li>
 *   <li>starts below the master's first stored offset (retention deleted what it needs);</li>
 *   <li>is silent (no report) for the housekeeping interval;</li>
 *   <li>does not read: its outbound buffer stays above the high-water mark ({@code maxPendingBytesPerSlave}) for
 *   the housekeeping interval. The log is read for a slave only while its channel is writable, so a stalled
 *   reader costs at most that buffer and one batch of heap, and slows nobody else.</li>
 * </ul>
 * A partial report is buffered until its 8 bytes are complete.
 */
final class HaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HaConnection.class);
    private static final long TICK_MILLIS = 1;
    /** Frames written per tick at most, so one slave's catch-up cannot hog the event loop (a client's, maybe). */
    private static final int MAX_FRAMES_PER_TICK = 16;
    /** Consecutive wakes from one other loop after which the connection moves there. */
    static final int FOLLOW_AFTER_WAKES = 64;

    private static final long MIN_MILLIS_BETWEEN_MOVES = 1000;

    private final MessageStore store;
    private final ReplicationProgress progress;
    private final HaSettings settings;
    private final int segmentSize;
    private final Clock clock;
    private final ByteBuf reportBytes = Unpooled.buffer(16);
    /** Set once on the event loop; read by {@link #wake} from send threads. */
    private volatile ChannelHandlerContext ctx;

    private String slave;
    private volatile ScheduledFuture<?> tick;
    /** Last reported offset; -1 before the first report. */
    private long reported = -1;
    /** Next CommitLog offset to send; -1 before the first report. */
    private long nextTransfer = -1;

    private long lastReportMillis;
    private long lastWriteMillis;
    private long unwritableSinceMillis = -1;
    private boolean closing;
    /** A {@link #wake} is queued on the event loop and not yet run: later wakes fold into it. */
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    /** Between leaving one loop and joining the next: nothing is read from the log or written. */
    private volatile boolean moving;
    /** The loop the last wakes came from, and how many in a row (on the connection's loop only). */
    private EventLoop wakesFrom;

    private int wakesInARow;
    private long lastMoveMillis;
    private volatile String thread = "";

    HaConnection(MessageStore store, ReplicationProgress progress, HaSettings settings, int segmentSize, Clock clock) {
        this.store = store;
        this.progress = progress;
        this.settings = settings;
        this.segmentSize = segmentSize;
        this.clock = clock;
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        this.ctx = context;
        this.thread = Thread.currentThread().getName();
        this.slave = String.valueOf(context.channel().remoteAddress()).replaceFirst("^/", "");
        lastReportMillis = clock.millis();
        lastWriteMillis = lastReportMillis;
        tick = context.executor().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.info("HA connection from slave {}", slave);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        if (tick != null) {
            tick.cancel(false);
        }
        progress.detached(slave);
        reportBytes.release();
        if (!closing) {
            LOG.info("HA connection from slave {} closed by the slave (acknowledged {})", slave, reported);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            reportBytes.writeBytes(in);
        } finally {
            in.release();
        }
        while (!closing && reportBytes.readableBytes() >= HaFrame.REPORT_SIZE) {
            onReport(reportBytes.readLong());
        }
        reportBytes.discardReadBytes();
    }

    /**
     * New bytes are in the log: stream them now instead of at the next tick. A SYNC_MASTER send waits for the
     * slave's acknowledgement, so the tick's delay (up to a millisecond, more where the event loop's timed wait is
     * coarse) would be added to every such send. Callable from any thread; wakes that arrive while one is queued
     * cost nothing more.
     */
    void wake(EventLoop senderLoop) {
        ChannelHandlerContext context = ctx;
        if (context == null) {
            return;
        }
        EventExecutor loop = context.executor();
        boolean local = loop.inEventLoop();
        if (wakeQueued.compareAndSet(false, true)) {
            // On the own loop this queues behind the I/O round in progress, without waking anything.
            loop.execute(() -> woken(local ? null : senderLoop));
        }
    }

    private void woken(EventLoop senderLoop) {
        EventLoop current = ctx.channel().eventLoop();
        if (!current.inEventLoop()) {
            // Queued on the loop this connection has since left.
            current.execute(() -> woken(senderLoop));
            return;
        }
        wakeQueued.set(false);
        follow(senderLoop);
        transfer();
    }

    /** Counts where wakes come from and moves to a loop that sends them all (see the class comment). */
    private void follow(EventLoop senderLoop) {
        if (senderLoop == null || moving || closing) {
            wakesInARow = 0;
            return;
        }
        if (senderLoop != wakesFrom) {
            wakesFrom = senderLoop;
            wakesInARow = 0;
        }
        Channel channel = ctx.channel();
        long now = clock.millis();
        if (++wakesInARow >= FOLLOW_AFTER_WAKES
                && now - lastMoveMillis >= MIN_MILLIS_BETWEEN_MOVES
                && senderLoop.getClass() == channel.eventLoop().getClass()) {
            moveTo(senderLoop, now);
        }
    }

    private void moveTo(EventLoop target, long now) {
        Channel channel = ctx.channel();
        moving = true;
        wakesInARow = 0;
        lastMoveMillis = now;
        tick.cancel(false);
        channel.deregister().addListener(left -> {
            if (!left.isSuccess()) {
                close("cannot leave its I/O loop: " + left.cause());
                return;
            }
            target.register(channel).addListener(joined -> {
                if (!joined.isSuccess()) {
                    close("cannot join the senders' I/O loop: " + joined.cause());
                    return;
                }
                moving = false;
                thread = Thread.currentThread().getName();
                tick = target.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
                LOG.info("HA connection from slave {} moved to the I/O loop its SYNC_MASTER sends come from", slave);
                transfer();
            });
        });
    }

    /** The thread of the loop this connection runs on. */
    String thread() {
        return thread;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            unwritableSinceMillis = -1;
            transfer();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        close("I/O error: " + cause);
    }

    private void onReport(long offset) {
        lastReportMillis = clock.millis();
        long masterEnd = store.maxPhysicalOffset();
        if (offset < 0) {
            close("garbage: reported negative offset " + offset);
        } else if (offset > masterEnd) {
            ByteBuf end =
                    ctx.alloc().buffer(HaFrame.HEADER_SIZE).writeLong(masterEnd).writeInt(0);
            closing = true;
            LOG.warn(
                    "HA connection from slave {} closed: it reports offset {} beyond this master's end {}; the slave "
                            + "holds bytes this master does not have (diverged)",
                    slave,
                    offset,
                    masterEnd);
            ctx.writeAndFlush(end).addListener(ChannelFutureListener.CLOSE);
        } else if (reported < 0) {
            start(offset);
        } else if (offset < reported) {
            close("garbage: reported offset " + offset + " below its previous report " + reported);
        } else if (offset > nextTransfer) {
            close("garbage: acknowledged offset " + offset + " but was sent only up to " + nextTransfer);
        } else {
            reported = offset;
            progress.acked(slave, offset);
        }
    }

    private void start(long offset) {
        long from = offset;
        if (offset == 0) {
            long end = store.maxPhysicalOffset();
            from = Math.max(end - end % segmentSize, 0);
        }
        if (from < store.minPhysicalOffset()) {
            close("it starts at " + from + ", below this master's first stored offset " + store.minPhysicalOffset());
            return;
        }
        reported = offset;
        nextTransfer = from;
        progress.attached(slave, offset);
        progress.acked(slave, offset);
        LOG.info("HA slave {} reported {}; streaming from {}", slave, offset, from);
        transfer();
    }

    private void tick() {
        if (closing || moving) {
            return;
        }
        long now = clock.millis();
        long silence = settings.housekeepingInterval().toMillis();
        if (now - lastReportMillis > silence) {
            close("silent for " + (now - lastReportMillis) + " ms (housekeeping interval " + silence + " ms)");
            return;
        }
        if (!ctx.channel().isWritable()) {
            if (unwritableSinceMillis < 0) {
                unwritableSinceMillis = now;
            } else if (now - unwritableSinceMillis > silence) {
                close("does not read: "
                        + ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes() + " bytes pending for "
                        + (now - unwritableSinceMillis) + " ms");
            }
            return;
        }
        unwritableSinceMillis = -1;
        transfer();
    }

    /** Streams what the slave lacks while its channel is writable; a heartbeat when there is nothing to send. */
    private void transfer() {
        if (closing || moving || nextTransfer < 0) {
            return;
        }
        boolean wrote = false;
        for (int i = 0; i < MAX_FRAMES_PER_TICK && ctx.channel().isWritable(); i++) {
            ByteBuffer body;
            try {
                body = store.readCommitLog(nextTransfer, settings.transferBatchSize());
            } catch (IllegalArgumentException e) {
                close("cannot read the log at " + nextTransfer + " for it: " + e.getMessage());
                return;
            }
            if (!body.hasRemaining()) {
                // A segment's end is reached through the blank filler, so an empty read means "nothing yet".
                break;
            }
            ByteBuf header = ctx.alloc()
                    .buffer(HaFrame.HEADER_SIZE)
                    .writeLong(nextTransfer)
                    .writeInt(body.remaining());
            nextTransfer += body.remaining();
            ctx.write(Unpooled.wrappedBuffer(header, Unpooled.wrappedBuffer(body)));
            wrote = true;
        }
        long now = clock.millis();
        if (wrote) {
            lastWriteMillis = now;
            ctx.flush();
        } else if (now - lastWriteMillis >= settings.heartbeatInterval().toMillis()
                && ctx.channel().isWritable()) {
            lastWriteMillis = now;
            ctx.writeAndFlush(ctx.alloc()
                    .buffer(HaFrame.HEADER_SIZE)
                    .writeLong(nextTransfer)
                    .writeInt(0));
        }
    }

    private void close(String reason) {
        if (closing) {
            return;
        }
        closing = true;
        LOG.warn("HA connection from slave {} closed: {}", slave, reason);
        ctx.close();
    }
}
