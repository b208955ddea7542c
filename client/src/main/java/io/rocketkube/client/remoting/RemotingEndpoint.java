package io.rocketkube.client.remoting;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.HashedWheelTimer;
import io.rocketkube.client.util.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server and the client share: the pipeline, dispatch of inbound requests to processors, and the
 * requests this side sends over a channel, whichever side opened it (a broker also calls its clients).
 *
 * <p>Backpressure: when a peer stops reading, its channel turns unwritable and we stop reading its requests
 * until it drains, so one slow connection cannot make us buffer without bound or slow the others. Inbound,
 * the bytes of accepted but unanswered requests are bounded per connection (reads pause, {@link ReadGate})
 * and in total (frames beyond it are answered SYSTEM_BUSY unread, {@link InboundBudget}).
 */
public abstract class RemotingEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemotingEndpoint.class);
    private static final long SHED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Flushes are coalesced across up to this many writes while a read burst is in progress. */
    private static final int FLUSH_CONSOLIDATION_LIMIT = 64;

    /**
     * A failed response write. The common case is a client that left before its answer (a long
     * poll, a slow send): the closed channel's handlers are already gone, so Netty's
     * FIRE_EXCEPTION_ON_FAILURE would reach the pipeline's tail and log a warning per answer.
     */
    private static final ChannelFutureListener ON_RESPONSE_WRITTEN = future -> {
        if (future.isSuccess()) {
            return;
        }
        if (future.channel().isActive()) {
            LOG.warn(
                    "closing {}: writing a response failed: {}",
                    future.channel().remoteAddress(),
                    future.cause().toString());
            future.channel().close();
        } else {
            LOG.debug(
                    "response to {} dropped: the connection closed first",
                    future.channel().remoteAddress());
        }
    };

    private final ProcessorRegistry processors;
    private final RemotingObserver observer;
    private final int maxFrameLength;
    private final Duration idleTimeout;
    private final HashedWheelTimer timer;
    private final InFlightRequests inFlight;
    private final Semaphore asyncPermits;
    private final Semaphore onewayPermits;
    private final InboundHandler inboundHandler = new InboundHandler();
    private final InboundBudget inboundBudget;
    /** When shedding was last logged, in nanoTime; at most one line per {@link #SHED_LOG_INTERVAL_NANOS}. */
    private final AtomicLong lastShedLog = new AtomicLong();

    private final AtomicLong shedSinceLog = new AtomicLong();

    protected RemotingEndpoint(
            ProcessorRegistry processors,
            RemotingObserver observer,
            int maxFrameLength,
            Duration idleTimeout,
            int maxInFlightAsync,
            int maxInFlightOneway,
            String name) {
        this(
                processors,
                observer,
                maxFrameLength,
                idleTimeout,
                maxInFlightAsync,
                maxInFlightOneway,
                name,
                InboundBudget.unlimited());
    }

    protected RemotingEndpoint(
            ProcessorRegistry processors,
            RemotingObserver observer,
            int maxFrameLength,
            Duration idleTimeout,
            int maxInFlightAsync,
            int maxInFlightOneway,
            String name,
            InboundBudget inboundBudget) {
        this.inboundBudget = inboundBudget;
        this.processors = processors;
        this.observer = observer;
        this.maxFrameLength = maxFrameLength;
        this.idleTimeout = idleTimeout;
        this.timer = new HashedWheelTimer(DaemonThreads.named(name + "-request-timer"), 10, TimeUnit.MILLISECONDS);
        this.inFlight = new InFlightRequests(timer);
        this.asyncPermits = new Semaphore(maxInFlightAsync);
        this.onewayPermits = new Semaphore(maxInFlightOneway);
    }

    protected final void initPipeline(ChannelPipeline pipeline) {
        ReadGate gate = new ReadGate(inboundBudget.perConnectionLimit());
        pipeline.addLast("gate", gate);
        pipeline.addLast("flush", new FlushConsolidationHandler(FLUSH_CONSOLIDATION_LIMIT, true));
        if (!idleTimeout.isZero()) {
            pipeline.addLast("idle", new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        }
        pipeline.addLast("decoder", new FrameDecoder(maxFrameLength, inboundBudget, gate));
        pipeline.addLast("encoder", FrameEncoder.INSTANCE);
        pipeline.addLast("handler", inboundHandler);
    }

    /** Sends a request and returns its response; bounded by the async in-flight limit. */
    public CompletableFuture<RemotingCommand> invokeAsync(
            Channel channel, RemotingCommand request, long timeoutMillis) {
        if (!asyncPermits.tryAcquire()) {
            return CompletableFuture.failedFuture(new RemotingException.TooManyInFlight(
                    "too many async requests in flight to " + channel.remoteAddress()));
        }
        return send(channel, request, timeoutMillis, asyncPermits::release);
    }

    /** Sends a request and waits for its response. */
    public RemotingCommand invokeSync(Channel channel, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException {
        CompletableFuture<RemotingCommand> response = send(channel, request, timeoutMillis, () -> {});
        try {
            // The in-flight timer completes the future; the extra margin only guards against a lost timer.
            return response.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw asRemotingException(e.getCause());
        } catch (TimeoutException e) {
            inFlight.fail(request.opaque(), e);
            throw new RemotingException.Timeout(
                    "no response from " + channel.remoteAddress() + " within " + timeoutMillis + " ms");
        }
    }

    /** Sends a request that gets no response; bounded by the oneway in-flight limit. */
    public void invokeOneway(Channel channel, RemotingCommand request) throws RemotingException {
        if (!onewayPermits.tryAcquire()) {
            throw new RemotingException.TooManyInFlight(
                    "too many oneway requests in flight to " + channel.remoteAddress());
        }
        request.markOneway();
        channel.writeAndFlush(request).addListener(f -> {
            onewayPermits.release();
            if (!f.isSuccess()) {
                LOG.debug("oneway request {} to {} failed", request.code(), channel.remoteAddress(), f.cause());
            }
        });
    }

    private CompletableFuture<RemotingCommand> send(
            Channel channel, RemotingCommand request, long timeoutMillis, Runnable onDone) {
        CompletableFuture<RemotingCommand> response = inFlight.add(request.opaque(), channel, timeoutMillis, onDone);
        channel.writeAndFlush(request).addListener(f -> {
            if (!f.isSuccess()) {
                inFlight.fail(
                        request.opaque(),
                        new RemotingException.ConnectionFailed(
                                "cannot send request to " + channel.remoteAddress(), f.cause()));
            }
        });
        return response;
    }

    static RemotingException asRemotingException(Throwable cause) {
        return cause instanceof RemotingException remoting
                ? remoting
                : new RemotingException(String.valueOf(cause), cause);
    }

    /** Bytes of inbound requests accepted and not yet answered, over all connections. */
    public long queuedRequestBytes() {
        return inboundBudget.queuedBytes();
    }

    /** Requests awaiting a response, for tests and metrics. */
    public int inFlightCount() {
        return inFlight.size();
    }

    @Override
    public void close() {
        timer.stop();
    }

    private void dispatch(Channel channel, RemotingCommand request) {
        ProcessorRegistry.Registration registration = processors.lookup(request.code());
        if (registration == null) {
            answer(
                    channel,
                    request,
                    request.response(
                            TransportCodes.REQUEST_CODE_NOT_SUPPORTED,
                            " request type " + request.code() + " not supported"),
                    System.nanoTime());
            return;
        }
        long started = System.nanoTime();
        if (registration.processor().runsInline(request)) {
            runProcessor(registration.processor(), channel, request, started);
            return;
        }
        try {
            registration.executor().execute(() -> runProcessor(registration.processor(), channel, request, started));
        } catch (RejectedExecutionException e) {
            answer(
                    channel,
                    request,
                    request.response(
                            TransportCodes.SYSTEM_BUSY, "[OVERLOAD]system busy, start flow control for a while"),
                    started);
        }
    }

    private void runProcessor(RequestProcessor processor, Channel channel, RemotingCommand request, long started) {
        CompletableFuture<RemotingCommand> pending;
        try {
            pending = processor.process(channel, request);
        } catch (Throwable e) {
            answer(channel, request, errorResponse(request, e), started);
            return;
        }
        if (pending == null) {
            answer(channel, request, null, started);
            return;
        }
        pending.whenComplete((response, failure) -> answer(
                channel, request, failure == null ? response : errorResponse(request, unwrap(failure)), started));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
    }

    private static RemotingCommand errorResponse(RemotingCommand request, Throwable e) {
        if (e instanceof RequestRejectedException rejected) {
            return request.response(rejected.responseCode(), rejected.getMessage());
        }
        LOG.warn("processor for request code {} failed", request.code(), e);
        return request.response(TransportCodes.SYSTEM_ERROR, e.toString());
    }

    private void answer(Channel channel, RemotingCommand request, RemotingCommand response, long started) {
        releaseAdmission(channel, request);
        // Answered: the processor is done with the request, so its body's read buffer goes back with its budget.
        request.releaseInboundBody();
        observer.requestHandled(
                request.code(),
                response == null ? TransportCodes.SUCCESS : response.code(),
                System.nanoTime() - started);
        if (response == null) {
            return;
        }
        if (request.isOneway()) {
            if (response.bodyBuffer() != null) {
                response.bodyBuffer().release();
            }
            return;
        }
        channel.writeAndFlush(response).addListener(ON_RESPONSE_WRITTEN);
    }

    /** The request no longer holds its frame's bytes against the connection and the endpoint. */
    private void releaseAdmission(Channel channel, RemotingCommand command) {
        int bytes = command.takeAdmittedBytes();
        if (bytes == 0) {
            return;
        }
        inboundBudget.release(bytes);
        ReadGate gate = ReadGate.of(channel);
        if (gate != null) {
            gate.release(bytes);
        }
    }

    /** RocketMQ's remark when it rejects a request before processing it; the client backs off and retries. */
    private void shed(Channel channel, RemotingCommand request) {
        observer.requestHandled(request.code(), TransportCodes.SYSTEM_BUSY, 0);
        logShedding(channel);
        if (request.isResponse()) {
            LOG.debug(
                    "dropping response {} from {}: inbound budget exhausted",
                    request.opaque(),
                    channel.remoteAddress());
            return;
        }
        if (!request.isOneway()) {
            channel.writeAndFlush(request.response(
                            TransportCodes.SYSTEM_BUSY, "[REJECTREQUEST]system busy, start flow control for a while"))
                    .addListener(ON_RESPONSE_WRITTEN);
        }
    }

    /** An operator must learn that clients are being turned away, without a line per request. */
    private void logShedding(Channel channel) {
        long shed = shedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastShedLog.get();
        if ((last == 0 || now - last >= SHED_LOG_INTERVAL_NANOS) && lastShedLog.compareAndSet(last, now)) {
            shedSinceLog.addAndGet(-shed);
            LOG.warn(
                    "shedding requests: no room in the inbound budget ({} of {} bytes held by accepted, unanswered"
                            + " requests; large frames keep clear of the last part); {} answered SYSTEM_BUSY since the"
                            + " last report, the latest from {}",
                    inboundBudget.queuedBytes(),
                    inboundBudget.limit(),
                    shed,
                    channel.remoteAddress());
        }
    }

    @ChannelHandler.Sharable
    private final class InboundHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            observer.channelActive(ctx.channel());
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof FrameDecoder.Shed shed) {
                shed(ctx.channel(), shed.command());
                return;
            }
            RemotingCommand command = (RemotingCommand) msg;
            if (command.isResponse()) {
                releaseAdmission(ctx.channel(), command);
                if (!inFlight.complete(command)) {
                    LOG.debug(
                            "response with opaque {} from {} matches no pending request",
                            command.opaque(),
                            ctx.channel().remoteAddress());
                }
            } else {
                dispatch(ctx.channel(), command);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            ReadGate gate = ReadGate.of(ctx.channel());
            if (gate != null) {
                gate.writabilityChanged(ctx.channel().isWritable());
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                LOG.info("closing {}: idle for {}", ctx.channel().remoteAddress(), idleTimeout);
                observer.channelIdle(ctx.channel());
                ctx.close();
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            inFlight.failAll(
                    ctx.channel(),
                    new RemotingException.ConnectionFailed(
                            "connection to " + ctx.channel().remoteAddress() + " closed", null));
            observer.channelClosed(ctx.channel());
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable reason = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            String text = reason instanceof MalformedFrameException ? reason.getMessage() : reason.toString();
            if (ctx.channel().isActive()) {
                LOG.warn("closing {}: {}", ctx.channel().remoteAddress(), text);
                observer.protocolError(ctx.channel(), text);
            }
            ctx.close();
        }
    }
}
