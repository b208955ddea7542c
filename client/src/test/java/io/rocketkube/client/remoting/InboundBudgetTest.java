package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bytes of accepted, unanswered requests are bounded in total (shed) and per connection (reads pause). */
class InboundBudgetTest {
    private static final int ECHO = 1000;
    private static final int HOLD = 1001;
    private static final int KIB = 1024;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final List<CompletableFuture<Void>> held = new CopyOnWriteArrayList<>();
    private final List<RemotingClient> clients = new ArrayList<>();
    private RemotingServer server;
    private String address;

    private void start(long total, long perConnection) throws Exception {
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(ECHO, (ch, req) -> RequestProcessor.respond(req.response(TransportCodes.SUCCESS)), executor)
                .register(
                        HOLD,
                        (ch, req) -> {
                            CompletableFuture<Void> release = new CompletableFuture<>();
                            held.add(release);
                            return release.thenApply(ignored -> req.response(TransportCodes.SUCCESS));
                        },
                        executor);
        server = new RemotingServer(
                RemotingServerConfig.of("127.0.0.1", 0).withMaxQueuedRequestBytes(total, perConnection),
                registry,
                RemotingObserver.NONE);
        server.start();
        address = "127.0.0.1:" + server.localAddress().getPort();
    }

    private RemotingClient newClient() {
        RemotingClient client = new RemotingClient(RemotingClientConfig.defaults());
        clients.add(client);
        return client;
    }

    @AfterEach
    void stop() {
        clients.forEach(RemotingClient::close);
        if (server != null) {
            server.close();
        }
        executor.shutdownNow();
    }

    private static RemotingCommand hold(int bodyBytes) {
        return RemotingCommand.request(HOLD).withBody(new byte[bodyBytes]);
    }

    @Test
    void aFrameBeyondTheTotalIsAnsweredSystemBusyUnbufferedWhileSmallRequestsStillPass() throws Exception {
        start(512 * KIB, 8L * 1024 * KIB);
        CompletableFuture<RemotingCommand> first = newClient().invokeAsync(address, hold(200 * KIB), 10_000);
        CompletableFuture<RemotingCommand> second = newClient().invokeAsync(address, hold(200 * KIB), 10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 2);
        long queuedBefore = server.queuedRequestBytes();
        assertThat(queuedBefore).isGreaterThanOrEqualTo(400 * KIB);

        RemotingClient third = newClient();
        RemotingCommand over = hold(200 * KIB);
        RemotingCommand busy = third.invokeSync(address, over, 5000);
        assertThat(busy.code()).isEqualTo(TransportCodes.SYSTEM_BUSY);
        assertThat(busy.opaque()).isEqualTo(over.opaque());
        assertThat(busy.remark()).contains("[REJECTREQUEST]system busy");
        assertThat(held).hasSize(2);
        assertThat(server.queuedRequestBytes()).isEqualTo(queuedBefore).isLessThanOrEqualTo(512 * KIB);
        // The frame was skipped, not half-read: the same connection goes on with a small request.
        assertThat(third.invokeSync(address, RemotingCommand.request(ECHO), 5000)
                        .code())
                .isZero();

        held.forEach(f -> f.complete(null));
        assertThat(first.get().code()).isZero();
        assertThat(second.get().code()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.queuedRequestBytes() == 0);
        CompletableFuture<RemotingCommand> again = third.invokeAsync(address, hold(200 * KIB), 10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 3);
        held.forEach(f -> f.complete(null));
        assertThat(again.get().code()).isZero();
    }

    @Test
    void aConnectionPastItsOwnLimitIsNotReadUntilItDrainsAndOthersAreServed() throws Exception {
        start(8L * 1024 * KIB, 128 * KIB);
        RemotingClient busy = newClient();
        CompletableFuture<RemotingCommand> first = busy.invokeAsync(address, hold(200 * KIB), 10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
        CompletableFuture<RemotingCommand> queuedBehind =
                busy.invokeAsync(address, RemotingCommand.request(ECHO).withBody(new byte[200 * KIB]), 10_000);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !queuedBehind.isDone());
        assertThat(newClient()
                        .invokeSync(address, RemotingCommand.request(ECHO), 5000)
                        .code())
                .isZero();

        held.forEach(f -> f.complete(null));
        assertThat(first.get().code()).isZero();
        assertThat(queuedBehind.get().code()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.queuedRequestBytes() == 0);
    }

    @Test
    void aSmallRequestBufferedBehindAPausedBacklogIsServedWhenItDrains() throws Exception {
        start(8L * 1024 * KIB, 128 * KIB);
        RemotingClient busy = newClient();
        // Written back to back: the echo's bytes arrive with the hold's tail, so nothing more is read later.
        CompletableFuture<RemotingCommand> first = busy.invokeAsync(address, hold(200 * KIB), 10_000);
        CompletableFuture<RemotingCommand> behind = busy.invokeAsync(address, RemotingCommand.request(ECHO), 10_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !behind.isDone());

        held.forEach(f -> f.complete(null));
        assertThat(first.get().code()).isZero();
        assertThat(behind.get(5, java.util.concurrent.TimeUnit.SECONDS).code()).isZero();
    }

    /**
     * Connections that each send only a length word announcing a small frame (64 KiB), and then nothing, hold
     * no budget: together they announce eight times the whole of it, and another client is still served.
     */
    @Test
    void lengthWordsAloneReserveNothing() throws Exception {
        start(512 * KIB, 8L * 1024 * KIB);
        List<java.net.Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                java.net.Socket socket =
                        new java.net.Socket("127.0.0.1", server.localAddress().getPort());
                stalled.add(socket);
                socket.getOutputStream().write(new byte[] {0, 0, (byte) 0xFF, (byte) 0xFC});
                socket.getOutputStream().flush();
            }
            RemotingCommand echo = RemotingCommand.request(ECHO);
            RemotingCommand answer = newClient().invokeSync(address, echo, 5000);
            assertThat(answer.code()).as(answer.remark()).isZero();
            assertThat(server.queuedRequestBytes()).isZero();
        } finally {
            for (java.net.Socket socket : stalled) {
                socket.close();
            }
        }
    }
}
