package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemotingServerTest {
    private static final int ECHO = 1000;
    private static final int FAILS = 1001;
    private static final int NEVER_ANSWERS = 1002;
    private static final int ONEWAY_SINK = 1003;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger onewayCount = new AtomicInteger();
    private final CopyOnWriteArrayList<String> protocolErrors = new CopyOnWriteArrayList<>();
    private RemotingServer server;
    private RemotingClient client;
    private String address;

    @BeforeEach
    void start() throws Exception {
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(
                        ECHO,
                        (ch, req) -> RequestProcessor.respond(req.response(TransportCodes.SUCCESS)
                                .withExtFields(req.extFields())
                                .withBody(req.body())),
                        executor)
                .register(
                        FAILS,
                        (ch, req) -> {
                            throw new IllegalStateException("processor blew up");
                        },
                        executor)
                .register(NEVER_ANSWERS, (ch, req) -> new CompletableFuture<>(), executor)
                .register(
                        ONEWAY_SINK,
                        (ch, req) -> {
                            onewayCount.incrementAndGet();
                            return RequestProcessor.respond(req.response(TransportCodes.SUCCESS));
                        },
                        executor);
        RemotingObserver observer = new RemotingObserver() {
            @Override
            public void protocolError(io.netty.channel.Channel channel, String reason) {
                protocolErrors.add(reason);
            }
        };
        server = new RemotingServer(
                RemotingServerConfig.of("127.0.0.1", 0).withMaxFrameLength(64 * 1024), registry, observer);
        server.start();
        address = "127.0.0.1:" + server.localAddress().getPort();
        client = new RemotingClient(RemotingClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        executor.shutdownNow();
    }

    @Test
    void syncAsyncAndOnewayRequestsAreServed() throws Exception {
        for (SerializeType type : SerializeType.values()) {
            RemotingCommand response = client.invokeSync(
                    address,
                    RemotingCommand.request(ECHO)
                            .withSerializeType(type)
                            .withExtField("k", "v")
                            .withBody("hi"),
                    3000);
            assertThat(response.code()).isEqualTo(TransportCodes.SUCCESS);
            assertThat(response.serializeType()).isEqualTo(type);
            assertThat(response.extFields()).containsEntry("k", "v");
            assertThat(new String(response.body())).isEqualTo("hi");
        }
        RemotingCommand async =
                client.invokeAsync(address, RemotingCommand.request(ECHO), 3000).get();
        assertThat(async.code()).isZero();

        client.invokeOneway(address, RemotingCommand.request(ONEWAY_SINK));
        await().atMost(Duration.ofSeconds(5)).until(() -> onewayCount.get() == 1);
        // A oneway request is never answered: nothing may be left pending on either side.
        assertThat(client.inFlightCount()).isZero();
    }

    @Test
    void unknownCodeGetsRequestCodeNotSupportedWithItsOpaque() throws Exception {
        RemotingCommand request = RemotingCommand.request(4242);
        RemotingCommand response = client.invokeSync(address, request, 3000);
        assertThat(response.code()).isEqualTo(TransportCodes.REQUEST_CODE_NOT_SUPPORTED);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        assertThat(response.remark()).contains("4242");
    }

    @Test
    void processorFailureIsAnsweredWithSystemError() throws Exception {
        RemotingCommand request = RemotingCommand.request(FAILS);
        RemotingCommand response = client.invokeSync(address, request, 3000);
        assertThat(response.code()).isEqualTo(TransportCodes.SYSTEM_ERROR);
        assertThat(response.opaque()).isEqualTo(request.opaque());
        assertThat(response.remark()).contains("processor blew up");
    }

    @Test
    void eachRequestTimesOutOnItsOwn() {
        assertThatThrownBy(() -> client.invokeSync(address, RemotingCommand.request(NEVER_ANSWERS), 200))
                .isInstanceOf(RemotingException.Timeout.class);
        CompletableFuture<RemotingCommand> async =
                client.invokeAsync(address, RemotingCommand.request(NEVER_ANSWERS), 200);
        await().atMost(Duration.ofSeconds(5)).until(async::isDone);
        assertThat(async).isCompletedExceptionally();
        assertThat(client.inFlightCount()).isZero();
    }

    @Test
    void asyncInFlightRequestsAreBounded() throws Exception {
        try (RemotingClient tight = new RemotingClient(
                new RemotingClientConfig(1, Duration.ofSeconds(3), 1024 * 1024, Duration.ZERO, true, 2, 2))) {
            CompletableFuture<RemotingCommand> first =
                    tight.invokeAsync(address, RemotingCommand.request(NEVER_ANSWERS), 5000);
            CompletableFuture<RemotingCommand> second =
                    tight.invokeAsync(address, RemotingCommand.request(NEVER_ANSWERS), 5000);
            CompletableFuture<RemotingCommand> third = tight.invokeAsync(address, RemotingCommand.request(ECHO), 5000);
            assertThat(third).isCompletedExceptionally();
            assertThatThrownBy(third::join).hasCauseInstanceOf(RemotingException.TooManyInFlight.class);
            assertThat(first).isNotDone();
            assertThat(second).isNotDone();
        }
    }

    @Test
    void oversizeFrameClosesOnlyThatConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(64 * 1024 + 1).array());
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !protocolErrors.isEmpty());
        assertThat(protocolErrors.get(0)).contains("exceeds the maximum");
        assertThat(client.invokeSync(address, RemotingCommand.request(ECHO), 3000)
                        .code())
                .isZero();
    }

    @Test
    void officialClientTalksToOurServer() throws Exception {
        org.apache.rocketmq.remoting.netty.NettyRemotingClient official =
                new org.apache.rocketmq.remoting.netty.NettyRemotingClient(
                        new org.apache.rocketmq.remoting.netty.NettyClientConfig());
        official.start();
        try {
            org.apache.rocketmq.remoting.protocol.RemotingCommand request =
                    org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(ECHO, null);
            request.addExtField("k", "v");
            org.apache.rocketmq.remoting.protocol.RemotingCommand response =
                    official.invokeSync(address, request, 3000);
            assertThat(response.getCode()).isZero();
            assertThat(response.getExtFields()).containsEntry("k", "v");
            org.apache.rocketmq.remoting.protocol.RemotingCommand unknown = official.invokeSync(
                    address,
                    org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(4343, null),
                    3000);
            assertThat(unknown.getCode()).isEqualTo(TransportCodes.REQUEST_CODE_NOT_SUPPORTED);
        } finally {
            official.shutdown();
        }
    }
}
