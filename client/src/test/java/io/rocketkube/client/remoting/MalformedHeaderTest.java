package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hand-written JSON headers that cannot become a command: each must close its own connection with a logged
 * reason (never leave it open and unanswered), and the server keeps serving the others.
 */
@Timeout(30)
class MalformedHeaderTest {
    private static final int ECHO = 1000;

    private final ExecutorService executor = Executors.newFixedThreadPool(1);
    private final CopyOnWriteArrayList<String> protocolErrors = new CopyOnWriteArrayList<>();
    private RemotingServer server;
    private RemotingClient client;

    @BeforeEach
    void start() throws Exception {
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(ECHO, (ch, req) -> RequestProcessor.respond(req.response(TransportCodes.SUCCESS)), executor);
        RemotingObserver observer = new RemotingObserver() {
            @Override
            public void protocolError(io.netty.channel.Channel channel, String reason) {
                protocolErrors.add(reason);
            }
        };
        server = new RemotingServer(RemotingServerConfig.of("127.0.0.1", 0), registry, observer);
        server.start();
        client = new RemotingClient(RemotingClientConfig.defaults());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        executor.shutdownNow();
    }

    static byte[] jsonFrame(String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length)
                .putInt(4 + h.length)
                .putInt(h.length)
                .put(h)
                .array();
    }

    static String nested(int depth) {
        return "{\"code\":1000,\"opaque\":1,\"unknown\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"code\":1000,\"flag\":\"x\",\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":\"\",\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":null,\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":true,\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":{},\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":[1],\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":1.5,\"opaque\":7}|flag is not an integer",
                "{\"code\":1000,\"flag\":99999999999,\"opaque\":7}|does not parse",
                "{\"code\":\"abc\",\"opaque\":7}|code is not an integer",
                "{\"code\":null,\"opaque\":7}|code is not an integer",
                "{\"code\":1000,\"opaque\":\"seven\"}|opaque is not an integer",
                "{\"code\":1000,\"opaque\":7,\"version\":\"v1\"}|version is not an integer",
                "{\"code\":1000,\"opaque\":7,\"version\":{\"a\":1}}|version is not an integer",
                "{\"code\":1000,\"opaque\":7,\"language\":{\"code\":1000}}|language is not a string",
                "{\"code\":1000,\"opaque\":7,\"language\":[\"JAVA\"]}|language is not a string",
                "{\"code\":1000,\"opaque\":7,\"remark\":{\"opaque\":8}}|remark is not a string",
                "{\"code\":1000,\"opaque\":7,\"extFields\":\"a=b\"}|extFields is not an object",
                "{\"code\":1000,\"opaque\":7,\"extFields\":[1,2]}|extFields is not an object",
                "{\"code\":1000,\"opaque\":7,\"extFields\":{\"a\":{\"b\":1}}}|is not a scalar",
                "[1,2,3]|not an object",
                "`\"just a string\"`|not an object",
                "{\"code\":1000,|does not parse",
                "{\"opaque\":7}|has no code",
                "{\"code\":1000} trailing|does not parse",
                "NESTED|does not parse",
            })
    void anUndecodableHeaderClosesOnlyItsConnectionWithAReason(String header, String reason) throws Exception {
        byte[] frame = jsonFrame(header.equals("NESTED") ? nested(5000) : header);
        try (Socket socket = new Socket("127.0.0.1", server.localAddress().getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(frame);
            out.flush();
            InputStream in = socket.getInputStream();
            int read;
            try {
                read = in.read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer and the connection stayed open for: " + header, e);
            }
            assertThat(read).as("the connection is closed without an answer").isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !protocolErrors.isEmpty());
        assertThat(protocolErrors.get(0)).contains(reason);
        String address = "127.0.0.1:" + server.localAddress().getPort();
        assertThat(client.invokeSync(address, RemotingCommand.request(ECHO), 3000)
                        .code())
                .isZero();
    }
}
