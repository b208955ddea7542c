package io.rocketkube.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingClient;
import io.rocketkube.client.remoting.RemotingClientConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Raw frames whose header cannot become a command, against the real broker: each closes its own
 * connection (never an open connection without an answer), and the broker keeps serving.
 */
@Timeout(60)
class MalformedFrameTest {
    @TempDir
    static Path dir;

    static Cluster cluster;
    static RemotingClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster(dir);
        client = new RemotingClient(RemotingClientConfig.defaults());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static byte[] jsonFrame(String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length)
                .putInt(4 + h.length)
                .putInt(h.length)
                .put(h)
                .array();
    }

    static int brokerPort() {
        return Integer.parseInt(
                cluster.brokerAddr().substring(cluster.brokerAddr().lastIndexOf(':') + 1));
    }

    static final String GET_MAX = ",\"extFields\":{\"topic\":\"T\",\"queueId\":\"0\"}}";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"code\":30,\"flag\":\"x\",\"opaque\":7" + GET_MAX,
                "{\"code\":30,\"flag\":null,\"opaque\":7" + GET_MAX,
                "{\"code\":30,\"flag\":\"\",\"opaque\":7" + GET_MAX,
                "{\"code\":30,\"flag\":false,\"opaque\":7" + GET_MAX,
                "{\"code\":30,\"flag\":2.5,\"opaque\":7" + GET_MAX,
                "{\"code\":\"thirty\",\"opaque\":7" + GET_MAX,
                "{\"code\":30,\"opaque\":\"7x\"" + GET_MAX,
                "{\"code\":30,\"opaque\":7,\"version\":[1]" + GET_MAX,
                "{\"code\":30,\"opaque\":7,\"language\":{\"code\":30}" + GET_MAX,
                "{\"code\":30,\"opaque\":7,\"remark\":{\"opaque\":8}" + GET_MAX,
                "{\"code\":30,\"opaque\":7,\"extFields\":\"topic=T\"}",
                "{\"code\":30,\"opaque\":7,\"extFields\":{\"topic\":[\"T\"]}}",
                "DEEP",
                "not json at all",
            })
    void anUndecodableHeaderClosesItsConnectionAndTheBrokerKeepsServing(String header) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", brokerPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(jsonFrame(
                    header.equals("DEEP")
                            ? "{\"code\":30,\"opaque\":7,\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + "}"
                            : header));
            out.flush();
            InputStream in = socket.getInputStream();
            try {
                assertThat(in.read()).as("closed without an answer: " + header).isEqualTo(-1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no answer and the connection stayed open for: " + header, e);
            }
        }
        RemotingCommand r = client.invokeSync(
                cluster.brokerAddr(),
                RemotingCommand.request(RequestCode.GET_MAX_OFFSET).withExtFields(Map.of("topic", "T", "queueId", "0")),
                3000);
        assertThat(r.code()).isEqualTo(ResponseCode.SUCCESS);
    }

    /**
     * A frame flagged as a response that matches no request of ours (a late answer to one that timed out)
     * is dropped, as the reference does, and the same connection goes on serving: not a malformed frame.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1", "\"1\"", "3", "-1"})
    void anUnmatchedResponseIsDroppedAndTheConnectionKeepsServing(String flag) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", brokerPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(jsonFrame("{\"code\":0,\"flag\":" + flag + ",\"opaque\":7}"));
            out.write(jsonFrame("{\"code\":30,\"flag\":0,\"opaque\":8" + GET_MAX));
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readInt();
            int headerLength = in.readInt() & 0xFFFFFF;
            byte[] header = new byte[headerLength];
            in.readFully(header);
            in.readFully(new byte[length - 4 - headerLength]);
            String json = new String(header, StandardCharsets.UTF_8);
            assertThat(json).contains("\"opaque\":8").contains("\"code\":0");
        }
    }
}
