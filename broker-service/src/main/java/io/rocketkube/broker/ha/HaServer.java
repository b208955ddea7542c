package io.rocketkube.broker.ha;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.store.MessageStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's HA port: accepts slaves and gives each its own {@link HaConnection}. It has its own two threads
 * (accept, and one event loop for all slaves), apart from the client-facing remoting server, so replication
 * and client traffic never wait for each other, except under SYNC_MASTER: there a slave's connection moves to the
 * client I/O loop its waiting sends come from ({@link HaConnection}). It uses native epoll where available, as
 * the remoting server does, so that the two kinds of loop are compatible. The outbound buffer of each slave is
 * bounded by a write-buffer high-water mark of {@code maxPendingBytesPerSlave}.
 */
public final class HaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaServer.class);

    private final MessageStore store;
    private final ReplicationProgress progress;
    private final HaSettings settings;
    private final int segmentSize;
    private final Clock clock;
    private final ChannelGroup channels = new DefaultChannelGroup("ha-slaves", GlobalEventExecutor.INSTANCE);
    private EventLoopGroup acceptGroup;
    private EventLoopGroup ioGroup;
    private Channel listener;

    public HaServer(
            MessageStore store, ReplicationProgress progress, HaSettings settings, int segmentSize, Clock clock) {
        this.store = store;
        this.progress = progress;
        this.settings = settings;
        this.segmentSize = segmentSize;
        this.clock = clock;
    }

    /** Binds {@code host:port} (port 0: any free port) and returns the bound port. */
    public synchronized int start(String host, int port) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        acceptGroup = group(epoll, "ha-accept");
        ioGroup = group(epoll, "ha-io");
        int high = settings.maxPendingBytesPerSlave();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(high / 2, high))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channels.add(channel);
                        channel.pipeline().addLast(new HaConnection(store, progress, settings, segmentSize, clock));
                    }
                });
        try {
            listener = bootstrap.bind(host, port).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        int bound = ((InetSocketAddress) listener.localAddress()).getPort();
        LOG.info("HA server listening on {}", listener.localAddress());
        return bound;
    }

    private static EventLoopGroup group(boolean epoll, String name) {
        DefaultThreadFactory threads = new DefaultThreadFactory(name, true);
        return epoll ? new EpollEventLoopGroup(1, threads) : new NioEventLoopGroup(1, threads);
    }

    /**
     * Asks every slave's connection to stream what is new now ({@link HaConnection#wake}).
     *
     * @param senderLoop the client I/O loop the waiting send runs on, or null
     */
    public void wakeTransfers(EventLoop senderLoop) {
        for (Channel channel : channels) {
            HaConnection connection = channel.pipeline().get(HaConnection.class);
            if (connection != null) {
                connection.wake(senderLoop);
            }
        }
    }

    /** The threads the slaves' connections run on, for diagnostics and tests. */
    public List<String> connectionThreads() {
        List<String> threads = new ArrayList<>();
        for (Channel channel : channels) {
            HaConnection connection = channel.pipeline().get(HaConnection.class);
            if (connection != null) {
                threads.add(connection.thread());
            }
        }
        return threads;
    }

    public ReplicationProgress progress() {
        return progress;
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
            listener = null;
        }
        channels.close().awaitUninterruptibly();
        if (acceptGroup != null) {
            acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            acceptGroup = null;
        }
    }
}
