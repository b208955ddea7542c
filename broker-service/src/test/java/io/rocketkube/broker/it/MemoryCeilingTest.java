package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.FrameDecoder;
import io.rocketkube.client.remoting.FrameEncoder;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RemotingServerConfig;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's memory ceiling: 1,000 connections each park a long-polled pull and then start a 16 MiB frame (a
 * pull with a 16 MiB body, which a parked pull would keep); a few of them send whole 16 MiB bodies. The broker
 * runs in its own JVM with a 128 MiB heap. It must stay alive (it exits on OutOfMemoryError), keep its queued
 * request bytes under the configured ceiling, answer the frames it cannot take with SYSTEM_BUSY carrying
 * their opaque, keep every shed connection usable, and answer a probe on another connection throughout.
 */
@Timeout(120)
class MemoryCeilingTest {
    private static final String TOPIC = "T_CEILING";
    private static final int CONNECTIONS = 1000;
    private static final int FULL_BODY_SENDERS = 24;
    private static final int BIG_FRAME = RemotingServerConfig.DEFAULT_MAX_FRAME_LENGTH;

    @TempDir
    Path dir;

    private Process broker;
    private PrintWriter brokerIn;
    private final BlockingQueue<String> brokerOut = new LinkedBlockingQueue<>();
    private final List<SocketChannel> sockets = new ArrayList<>();
    private RemotingClient probe;

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel socket : sockets) {
            socket.close();
        }
        if (probe != null) {
            probe.close();
        }
        if (broker != null) {
            broker.destroy();
            if (!broker.waitFor(10, TimeUnit.SECONDS)) {
                broker.destroyForcibly();
            }
        }
    }

    @Test
    void aThousandConnectionsWithSixteenMebibyteFramesAndParkedPullsStayWithinTheHeap() throws Exception {
        String address = startBroker();
        probe = new RemotingClient(RemotingClientConfig.defaults());
        createTopic(address);
        assertProbeAnswered(address);

        InetSocketAddress target =
                new InetSocketAddress(address.split(":")[0], Integer.parseInt(address.split(":")[1]));
        for (int i = 0; i < CONNECTIONS; i++) {
            SocketChannel socket = SocketChannel.open(target);
            sockets.add(socket);
            writeFully(socket, encode(pull()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> stats()[1] >= CONNECTIONS);
        assertProbeAnswered(address);

        // Every connection starts a 16 MiB frame: its length word and header, body still to come.
        int bodyLength = BIG_FRAME - (encode(pull()).length - Integer.BYTES);
        Map<Integer, Integer> bigOpaques = new HashMap<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            RemotingCommand big = pull();
            bigOpaques.put(i, big.opaque());
            writeFully(sockets.get(i), framePrefix(big, bodyLength));
        }
        Map<Integer, RemotingCommand> shed = collectAnswers(bigOpaques, Duration.ofSeconds(20), CONNECTIONS - 2);
        long[] during = stats();
        assertThat(shed.size()).as("frames answered SYSTEM_BUSY unread").isGreaterThanOrEqualTo(CONNECTIONS - 2);
        shed.forEach((connection, answer) -> {
            assertThat(answer.code()).isEqualTo(ResponseCode.SYSTEM_BUSY);
            assertThat(answer.opaque()).isEqualTo(bigOpaques.get(connection));
            assertThat(answer.remark()).contains("[REJECTREQUEST]");
        });
        assertThat(during[0])
                .as("queued request bytes")
                .isLessThanOrEqualTo(RemotingServerConfig.DEFAULT_MAX_QUEUED_REQUEST_BYTES);
        assertProbeAnswered(address);

        // Frames that were admitted, and a few of the shed ones, now send their whole 16 MiB body: the shed
        // bodies (far more than the heap) are skipped, the admitted ones park with their body.
        byte[] body = new byte[bodyLength];
        List<Integer> shedSenders =
                shed.keySet().stream().sorted().limit(FULL_BODY_SENDERS).toList();
        for (int i = 0; i < CONNECTIONS; i++) {
            if (!shed.containsKey(i) || shedSenders.contains(i)) {
                writeFully(sockets.get(i), body);
            }
        }
        assertProbeAnswered(address);
        long[] after = stats();
        assertThat(broker.isAlive()).as("the broker did not run out of memory").isTrue();
        assertThat(after[0])
                .as("queued request bytes")
                .isLessThanOrEqualTo(RemotingServerConfig.DEFAULT_MAX_QUEUED_REQUEST_BYTES);
        assertThat(after[1]).as("parked pulls").isGreaterThanOrEqualTo(CONNECTIONS);

        // A shed connection kept its framing: the next request on it is served.
        int reused = shedSenders.get(0);
        RemotingCommand info = RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO);
        writeFully(sockets.get(reused), encode(info));
        assertThat(collectAnswers(Map.of(reused, info.opaque()), Duration.ofSeconds(10), 1)
                        .get(reused)
                        .code())
                .isEqualTo(ResponseCode.SUCCESS);
        System.out.printf(
                "memory ceiling: queued %d then %d bytes, %d parked pulls, heap after GC %d MiB, "
                        + "netty direct %d MiB%n",
                during[0], after[0], after[1], after[2] >> 20, after[3] >> 20);
    }

    private String startBroker() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        broker = new ProcessBuilder(
                        java,
                        "-Xms128m",
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-XX:+ExitOnOutOfMemoryError",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CeilingBrokerMain.class.getName(),
                        dir.toString())
                .redirectError(Path.of("target", "memory-ceiling-broker.log").toFile())
                .start();
        brokerIn = new PrintWriter(broker.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = out.readLine()) != null) {
                            if (line.startsWith("ADDR ") || line.startsWith("STATS ")) {
                                brokerOut.add(line);
                            }
                        }
                    } catch (IOException e) {
                        // the broker went away; the test sees it through isAlive and missing lines
                    }
                },
                "ceiling-broker-stdout");
        reader.setDaemon(true);
        reader.start();
        String ready = brokerOut.poll(60, TimeUnit.SECONDS);
        assertThat(ready).as("broker started").startsWith("ADDR ");
        return ready.substring("ADDR ".length()).trim();
    }

    /** queued request bytes, parked pulls, heap used after GC, Netty direct bytes. */
    private long[] stats() throws InterruptedException {
        brokerIn.println("stats");
        String line = brokerOut.poll(15, TimeUnit.SECONDS);
        assertThat(line)
                .as("broker answers stats (alive: " + broker.isAlive() + ")")
                .startsWith("STATS ");
        String[] parts = line.split(" ");
        return new long[] {
            Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]), Long.parseLong(parts[4])
        };
    }

    private void createTopic(String address) throws Exception {
        RemotingCommand create = RawRequests.createTopic(TOPIC, 1);
        assertThat(probe.invokeSync(address, create, 10_000).code()).isEqualTo(ResponseCode.SUCCESS);
    }

    private void assertProbeAnswered(String address) throws Exception {
        long started = System.nanoTime();
        RemotingCommand answer =
                probe.invokeSync(address, RemotingCommand.request(RequestCode.GET_BROKER_RUNTIME_INFO), 5000);
        assertThat(answer.code()).isEqualTo(ResponseCode.SUCCESS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    /** A long-polled pull of the empty queue, subscription in the request (no heartbeat needed). */
    private static RemotingCommand pull() {
        return RemotingCommand.request(RequestCode.PULL_MESSAGE)
                .withExtField("consumerGroup", "G_CEILING")
                .withExtField("topic", TOPIC)
                .withExtField("queueId", 0)
                .withExtField("queueOffset", 0)
                .withExtField("maxMsgNums", 32)
                .withExtField("sysFlag", 2 | 4)
                .withExtField("commitOffset", 0)
                .withExtField("suspendTimeoutMillis", 25_000)
                .withExtField("subscription", "*")
                .withExtField("subVersion", 0);
    }

    /** The frame of {@code command} as if it carried {@code bodyLength} more bytes, which follow later. */
    private static byte[] framePrefix(RemotingCommand command, int bodyLength) {
        byte[] bytes = encode(command);
        ByteBuffer.wrap(bytes).putInt(0, bytes.length - Integer.BYTES + bodyLength);
        return bytes;
    }

    private static byte[] encode(RemotingCommand command) {
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.writeOutbound(command);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
            ByteBuf buf = (ByteBuf) part;
            byte[] chunk = new byte[buf.readableBytes()];
            buf.readBytes(chunk);
            buf.release();
            bytes.writeBytes(chunk);
        }
        channel.finishAndReleaseAll();
        return bytes.toByteArray();
    }

    private static void writeFully(SocketChannel socket, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    /**
     * Reads the sockets (by index) until each has answered its opaque, {@code enough} of them have, or
     * {@code within} passed; other answers (parked pulls timing out) are skipped.
     */
    private Map<Integer, RemotingCommand> collectAnswers(Map<Integer, Integer> opaques, Duration within, int enough)
            throws IOException {
        Map<Integer, RemotingCommand> answers = new HashMap<>();
        Map<Integer, EmbeddedChannel> decoders = new HashMap<>();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (Selector selector = Selector.open()) {
            for (int i : opaques.keySet()) {
                sockets.get(i).configureBlocking(false);
                sockets.get(i).register(selector, SelectionKey.OP_READ, i);
                decoders.put(i, new EmbeddedChannel(new FrameDecoder(BIG_FRAME)));
            }
            long deadline = System.nanoTime() + within.toNanos();
            while (answers.size() < enough && System.nanoTime() < deadline) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    int i = (Integer) key.attachment();
                    buffer.clear();
                    if (((SocketChannel) key.channel()).read(buffer) < 0) {
                        key.cancel();
                        continue;
                    }
                    buffer.flip();
                    EmbeddedChannel decoder = decoders.get(i);
                    decoder.writeInbound(io.netty.buffer.Unpooled.copiedBuffer(buffer));
                    for (Object m = decoder.readInbound(); m != null; m = decoder.readInbound()) {
                        RemotingCommand answer = (RemotingCommand) m;
                        if (answer.opaque() == opaques.get(i)) {
                            answers.put(i, answer);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            selector.keys().forEach(SelectionKey::cancel);
            selector.selectNow();
        }
        for (int i : opaques.keySet()) {
            sockets.get(i).configureBlocking(true);
            decoders.get(i).finishAndReleaseAll();
        }
        return answers;
    }
}
