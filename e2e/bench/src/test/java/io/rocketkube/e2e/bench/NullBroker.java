package io.rocketkube.e2e.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.ChildProcess;
import io.rocketkube.e2e.testkit.E2eLayout;
import io.rocketkube.e2e.testkit.JavaCommand;
import io.rocketkube.e2e.testkit.Loopback;
import io.rocketkube.e2e.testkit.ReadinessProbe;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.protocol.RequestCode;
import org.apache.rocketmq.common.protocol.ResponseCode;
import org.apache.rocketmq.common.protocol.header.SendMessageResponseHeader;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyDecoder;
import org.apache.rocketmq.remoting.netty.NettyEncoder;
import org.apache.rocketmq.remoting.netty.NettyRemotingClient;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * The load generator's ceiling: a child JVM that answers every send with SUCCESS at once, on its
 * Netty I/O thread, and stores nothing. It frames with the official 4.9.8 codec, registers the
 * benchmark topic with the NameServer like a broker, and answers any other request with SUCCESS
 * (heartbeats, topic creation). Whatever throughput the same client load reaches against it is the most
 * any broker could show on this machine, so it tells how much of a gap is the broker's and how much the
 * client's and the kernel's. Not a broker: it exists only for the benchmark table.
 */
final class NullBroker implements BrokerNode {

    static final String BROKER_NAME = "bench-null";
    static final String CLUSTER = "BenchNullCluster";

    private final String name;
    private final String namesrvAddr;
    private final int port;
    private ChildProcess process;

    NullBroker(String name, String namesrvAddr) {
        this.name = name;
        this.namesrvAddr = namesrvAddr;
        this.port = Loopback.freeWildcardPortBlock(0);
    }

    @Override
    public String clusterName() {
        return CLUSTER;
    }

    @Override
    public String brokerName() {
        return BROKER_NAME;
    }

    @Override
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void start() {
        var dir = E2eLayout.newRunDir(name);
        JavaCommand command = JavaCommand.mainClass(System.getProperty("java.class.path"), NullBroker.class.getName())
                .jvmOptions("-Xms256m", "-Xmx256m", "-XX:+UseG1GC")
                .arguments(Integer.toString(port), namesrvAddr, BrokerBenchmark.TOPIC);
        process = ChildProcess.start(name, command.toList(), dir, Map.of(), dir.resolve("logs/stdout.log"));
        process.awaitReady(ReadinessProbe.tcp("127.0.0.1", port), Duration.ofSeconds(60));
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
        }
    }

    @Override
    public ChildProcess process() {
        return process;
    }

    @Override
    public String kind() {
        return "null";
    }

    /** {@code <port> <namesrv addr> <topic>}: serves until killed. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String namesrv = args[1];
        String topic = args[2];
        // Without it requests carry version 0, and a NameServer reads a pre-3.0.11 REGISTER_BROKER body
        // (a bare topic wrapper) from them; the official clients set it when they start.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        // A bare Netty server with the official frame codec, answering on its I/O thread: no codec or
        // processing pool between the socket and the answer, so nothing of a server's own design is measured.
        AtomicLong offset = new AtomicLong();
        NioEventLoopGroup loop = new NioEventLoopGroup(1);
        new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new NettyEncoder(), new NettyDecoder(), new Answer(offset));
                    }
                })
                .bind("127.0.0.1", port)
                .sync();

        NettyRemotingClient client = new NettyRemotingClient(new NettyClientConfig());
        client.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        byte[] body = SyntheticBroker.registrationBody(List.of(topic));
        timer.scheduleWithFixedDelay(() -> register(client, namesrv, port, body), 0, 20, TimeUnit.SECONDS);
        Thread.currentThread().join();
    }

    private static void register(NettyRemotingClient client, String namesrv, int port, byte[] body) {
        try {
            RemotingCommand request = SyntheticBroker.registrationRequest(
                    CLUSTER, BROKER_NAME, "127.0.0.1:" + port, "127.0.0.1:" + (port + 1), body);
            RemotingCommand response = client.invokeSync(namesrv, request, 5_000);
            if (response.getCode() != ResponseCode.SUCCESS) {
                System.err.println("REGISTER_BROKER answered " + response.getCode() + " " + response.getRemark());
            }
        } catch (Exception e) {
            System.err.println("REGISTER_BROKER failed: " + e);
        }
    }

    /** SUCCESS to every request; for sends, with the header a 4.9 producer reads. */
    private static final class Answer extends SimpleChannelInboundHandler<RemotingCommand> {
        private final AtomicLong offset;

        Answer(AtomicLong offset) {
            this.offset = offset;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, RemotingCommand request) {
            if (request.isResponseType() || request.isOnewayRPC()) {
                return;
            }
            RemotingCommand response;
            if (request.getCode() == RequestCode.SEND_MESSAGE || request.getCode() == RequestCode.SEND_MESSAGE_V2) {
                response = RemotingCommand.createResponseCommand(SendMessageResponseHeader.class);
                SendMessageResponseHeader header = (SendMessageResponseHeader) response.readCustomHeader();
                long n = offset.getAndIncrement();
                header.setMsgId(String.format("7F00000100002A9F%016X", n));
                header.setQueueId(0);
                header.setQueueOffset(n);
                response.addExtField(MessageConst.PROPERTY_MSG_REGION, "DefaultRegion");
                response.addExtField(MessageConst.PROPERTY_TRACE_SWITCH, "false");
            } else {
                response = RemotingCommand.createResponseCommand(ResponseCode.SUCCESS, null);
            }
            response.setCode(ResponseCode.SUCCESS);
            response.setOpaque(request.getOpaque());
            ctx.writeAndFlush(response);
        }
    }
}
