package io.rocketkube.client.remoting;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Connects to servers by {@code host:port} and keeps one connection per address, opened on first use and
 * replaced when it breaks. Servers may call back over the same connection; register processors for that.
 */
public final class RemotingClient extends RemotingEndpoint {
    private final RemotingClientConfig config;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final Map<String, ChannelFuture> connections = new ConcurrentHashMap<>();

    public RemotingClient(RemotingClientConfig config) {
        this(config, new ProcessorRegistry(), RemotingObserver.NONE);
    }

    public RemotingClient(RemotingClientConfig config, ProcessorRegistry processors, RemotingObserver observer) {
        super(
                processors,
                observer,
                config.maxFrameLength(),
                config.idleTimeout(),
                config.maxInFlightAsync(),
                config.maxInFlightOneway(),
                "remoting-client");
        this.config = config;
        NettyTransport transport = NettyTransport.select(config.preferEpoll());
        this.group = transport.newGroup(config.ioThreads(), "remoting-client-io");
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)
                        config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        initPipeline(channel.pipeline());
                    }
                });
    }

    public RemotingCommand invokeSync(String address, RemotingCommand request, long timeoutMillis)
            throws RemotingException, InterruptedException {
        return invokeSync(channel(address), request, timeoutMillis);
    }

    public CompletableFuture<RemotingCommand> invokeAsync(String address, RemotingCommand request, long timeoutMillis) {
        Channel channel;
        try {
            channel = channel(address);
        } catch (RemotingException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
        return invokeAsync(channel, request, timeoutMillis);
    }

    public void invokeOneway(String address, RemotingCommand request) throws RemotingException, InterruptedException {
        invokeOneway(channel(address), request);
    }

    /** The open connection to {@code host:port}, connecting (and waiting for it) if there is none. */
    public Channel channel(String address) throws RemotingException, InterruptedException {
        ChannelFuture connecting = connections.compute(
                address,
                (addr, existing) -> existing != null
                                && (!existing.isDone() || existing.channel().isActive())
                        ? existing
                        : connect(addr));
        if (!connecting.await(config.connectTimeout().toMillis() + 100, TimeUnit.MILLISECONDS)) {
            throw new RemotingException.ConnectionFailed("connect to " + address + " timed out", null);
        }
        if (!connecting.isSuccess()) {
            connections.remove(address, connecting);
            throw new RemotingException.ConnectionFailed("cannot connect to " + address, connecting.cause());
        }
        return connecting.channel();
    }

    /** Closes the connection to {@code address}, if any; the next call reconnects. */
    public void disconnect(String address) {
        ChannelFuture existing = connections.remove(address);
        if (existing != null) {
            existing.channel().close();
        }
    }

    private ChannelFuture connect(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new IllegalArgumentException("address must be host:port, got '" + address + "'");
        }
        int port = Integer.parseInt(address.substring(colon + 1));
        ChannelFuture future = bootstrap.connect(address.substring(0, colon), port);
        future.channel().closeFuture().addListener(f -> connections.remove(address, future));
        return future;
    }

    @Override
    public void close() {
        connections.values().forEach(f -> f.channel().close());
        connections.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        super.close();
    }
}
