package io.rocketkube.client.remoting;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A listening remoting endpoint: the NameServer's and the broker's front door. */
public final class RemotingServer extends RemotingEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(RemotingServer.class);

    private final RemotingServerConfig config;
    private final NettyTransport transport;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private EventLoopGroup bossGroup;
    private EventLoopGroup ioGroup;
    private Channel listener;

    public RemotingServer(RemotingServerConfig config, ProcessorRegistry processors, RemotingObserver observer) {
        super(
                processors,
                observer,
                config.maxFrameLength(),
                config.idleTimeout(),
                config.maxInFlightAsync(),
                config.maxInFlightOneway(),
                "remoting-server",
                new InboundBudget(config.maxQueuedRequestBytes(), config.maxQueuedRequestBytesPerConnection()));
        this.config = config;
        this.transport = NettyTransport.select(config.preferEpoll());
    }

    /** Binds and returns once the port accepts connections. */
    public synchronized void start() throws InterruptedException {
        if (listener != null) {
            throw new IllegalStateException("server already started on " + listener.localAddress());
        }
        bossGroup = transport.newGroup(1, "remoting-accept");
        ioGroup = transport.newGroup(config.ioThreads(), "remoting-io");
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, ioGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, false)
                .childOption(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeLowWaterMark(), config.writeHighWaterMark()))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        initPipeline(channel.pipeline());
                    }
                });
        try {
            listener = bootstrap.bind(config.host(), config.port()).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            shutdownGroups(Duration.ZERO);
            throw e;
        }
        LOG.info("remoting server listening on {} ({})", listener.localAddress(), transport.epoll() ? "epoll" : "nio");
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    public boolean isListening() {
        return listener != null && listener.isActive();
    }

    /** Live client connections. */
    public int connectionCount() {
        return channels.size();
    }

    /** Stops accepting, closes every connection and waits up to {@code grace} for the I/O threads. */
    public synchronized void stop(Duration grace) {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        channels.close().awaitUninterruptibly();
        shutdownGroups(grace);
        super.close();
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(2));
    }

    private void shutdownGroups(Duration grace) {
        long quietMillis = Math.min(100, grace.toMillis());
        if (bossGroup != null) {
            bossGroup
                    .shutdownGracefully(quietMillis, grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly();
        }
        if (ioGroup != null) {
            ioGroup.shutdownGracefully(quietMillis, grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly();
        }
    }
}
