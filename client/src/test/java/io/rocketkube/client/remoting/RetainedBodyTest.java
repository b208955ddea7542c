package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request's body travels as a retained slice of the read buffer: read without a copy until the request is
 * answered, given back then, never readable after; large bodies and responses are copied as they arrive.
 */
class RetainedBodyTest {
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void smallRequestBodyIsASliceOfTheReadBufferUntilReleased() {
        byte[] payload = bytes(1000);
        ByteBuf wire = frame(RemotingCommand.request(310).withBody(payload));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20));

        channel.writeInbound(wire);
        RemotingCommand request = channel.readInbound();

        // The decoder consumed the buffer; only the request's slice keeps it alive.
        assertThat(wire.refCnt()).isEqualTo(1);
        ByteBuffer body = request.bodyByteBuffer();
        assertThat(body.remaining()).isEqualTo(payload.length);
        assertThat(ByteBufUtil.getBytes(io.netty.buffer.Unpooled.wrappedBuffer(body)))
                .isEqualTo(payload);
        assertThat(request.bodyLength()).isEqualTo(payload.length);

        request.releaseInboundBody();

        assertThat(wire.refCnt()).isZero();
        assertThatThrownBy(request::body).isInstanceOf(IllegalStateException.class);
        assertThat(request.bodyLength()).isEqualTo(payload.length);
        channel.finishAndReleaseAll();
    }

    @Test
    void aBodyTakenBeforeTheReleaseStaysReadable() {
        byte[] payload = bytes(10);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20));
        channel.writeInbound(frame(RemotingCommand.request(310).withBody(payload)));
        RemotingCommand request = channel.readInbound();

        byte[] taken = request.body();
        request.releaseInboundBody();
        request.releaseInboundBody();

        assertThat(taken).isEqualTo(payload);
        assertThat(request.body()).isEqualTo(payload);
        channel.finishAndReleaseAll();
    }

    @Test
    void largeBodiesAndResponsesAreCopiedAsTheyArrive() {
        byte[] large = bytes(FrameDecoder.MAX_SLICED_BODY + 1);
        byte[] small = bytes(100);
        ByteBuf largeWire = frame(RemotingCommand.request(310).withBody(large));
        ByteBuf responseWire = frame(RemotingCommand.request(310).response(0).withBody(small));
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1 << 20));

        // The large frame arrives in pieces: the decoder never holds more than a piece of it.
        while (largeWire.isReadable()) {
            channel.writeInbound(largeWire.readRetainedSlice(Math.min(8192, largeWire.readableBytes())));
        }
        largeWire.release();
        channel.writeInbound(responseWire);
        RemotingCommand request = channel.readInbound();
        RemotingCommand response = channel.readInbound();

        assertThat(largeWire.refCnt()).isZero();
        assertThat(responseWire.refCnt()).isZero();
        assertThat(request.body()).isEqualTo(large);
        assertThat(response.body()).isEqualTo(small);
        channel.finishAndReleaseAll();
    }

    @Test
    void theEndpointReleasesTheBodyWhenTheRequestIsAnsweredLater() throws Exception {
        AtomicReference<RemotingCommand> kept = new AtomicReference<>();
        CompletableFuture<RemotingCommand> later = new CompletableFuture<>();
        ProcessorRegistry registry = new ProcessorRegistry()
                .register(
                        1000,
                        (ch, req) -> {
                            kept.set(req);
                            return later;
                        },
                        executor);
        try (RemotingServer server = new RemotingServer(
                        RemotingServerConfig.of("127.0.0.1", 0), registry, new RemotingObserver() {});
                RemotingClient client = new RemotingClient(RemotingClientConfig.defaults())) {
            server.start();
            String address = "127.0.0.1:" + server.localAddress().getPort();
            byte[] payload = bytes(2000);

            CompletableFuture<RemotingCommand> response =
                    client.invokeAsync(address, RemotingCommand.request(1000).withBody(payload), 5000);
            await().atMost(Duration.ofSeconds(5)).until(() -> kept.get() != null);
            RemotingCommand request = kept.get();
            // Waiting for its answer (as a SYNC_MASTER send waits for its slave), the request still reads it.
            assertThat(toArray(request.bodyByteBuffer())).isEqualTo(payload);

            later.complete(request.response(TransportCodes.SUCCESS));

            assertThat(response.get().code()).isEqualTo(TransportCodes.SUCCESS);
            assertThatThrownBy(request::bodyByteBuffer).isInstanceOf(IllegalStateException.class);
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** The command as one frame in a pooled direct buffer, as a socket read delivers it. */
    private static ByteBuf frame(RemotingCommand command) {
        return RemotingCommandCodecBench.frame(command, PooledByteBufAllocator.DEFAULT);
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }
}
