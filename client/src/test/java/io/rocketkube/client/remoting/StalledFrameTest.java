package io.rocketkube.client.remoting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that stops part-way through a frame is closed and its reservation returned; one that keeps sending,
 * sits between frames, or is silent because we paused its reads is not.
 */
class StalledFrameTest {
    private static final int MIB = 1024 * 1024;
    private static final Duration STALL = Duration.ofMillis(300);

    private final InboundBudget budget = new InboundBudget(32L * MIB, 8L * MIB);
    /** 512 KiB/s: a 200 KiB frame has 0.3 + 0.4 s to be whole. */
    private static final long RATE = 512 * 1024;

    private final EmbeddedChannel channel =
            new EmbeddedChannel(new FrameDecoder(16 * MIB, budget, null, new StallWatch(STALL, RATE)));

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    /** Runs the due stall checks (an embedded channel runs scheduled tasks only when asked) and says if open. */
    private boolean open() {
        channel.runScheduledPendingTasks();
        return channel.isOpen();
    }

    @Test
    void aLengthWordAnnouncingALargeFrameAndNothingMoreIsClosedAndItsReservationReturned() {
        channel.writeInbound(Unpooled.buffer().writeInt(4 * MIB));
        assertThat(budget.queuedBytes())
                .as("a large frame reserves at its length word")
                .isEqualTo(4L * MIB + 4);

        await().atMost(Duration.ofSeconds(5)).until(() -> !open());

        assertThat(budget.queuedBytes()).isZero();
    }

    @Test
    void aSmallFrameCutShortIsClosedToo() {
        ByteBuf whole = frame(RemotingCommand.request(1000).withBody(new byte[100]));
        channel.writeInbound(whole.readRetainedSlice(20));
        whole.release();

        await().atMost(Duration.ofSeconds(5)).until(() -> !open());
    }

    @Test
    void aPeerThatKeepsSendingAFrameIsNotClosed() {
        ByteBuf whole = frame(RemotingCommand.request(1000).withBody(new byte[200 * 1024]));
        int step = whole.readableBytes() / 4 + 1;
        // One piece every 100 ms: a third of the stall timeout between pieces, the frame whole within its time.
        await().pollInterval(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(5))
                .until(() -> {
                    assertThat(open()).as("open before each piece").isTrue();
                    channel.writeInbound(whole.readRetainedSlice(Math.min(step, whole.readableBytes())));
                    return !whole.isReadable();
                });
        whole.release();
        assertThat(channel.isOpen()).isTrue();
        RemotingCommand decoded = channel.readInbound();
        assertThat(decoded.code()).isEqualTo(1000);
        decoded.releaseInboundBody();
    }

    @Test
    void aPeerThatTricklesALargeFrameIsClosedOnceItsTimeIsUp() {
        ByteBuf whole = frame(RemotingCommand.request(1000).withBody(new byte[200 * 1024]));
        long started = System.nanoTime();
        // A byte every 50 ms: never quiet for the stall timeout, far below the minimum rate.
        await().pollInterval(Duration.ofMillis(50))
                .atMost(Duration.ofSeconds(5))
                .until(() -> {
                    if (open()) {
                        channel.writeInbound(whole.readRetainedSlice(1));
                        return false;
                    }
                    return true;
                });
        whole.release();
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("not before the frame's 0.7 s")
                .isGreaterThanOrEqualTo(Duration.ofMillis(600));
        assertThat(budget.queuedBytes()).isZero();
    }

    @Test
    void aPeerBetweenFramesIsLeftToTheIdleTimeout() {
        channel.writeInbound(frame(RemotingCommand.request(1000)));
        assertThat((Object) channel.readInbound()).isNotNull();

        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(this::open);
    }

    @Test
    void silenceWhileWePausedTheReadsDoesNotCount() {
        channel.writeInbound(Unpooled.buffer().writeInt(4 * MIB));
        channel.config().setAutoRead(false);

        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(this::open);

        channel.config().setAutoRead(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> !open());
    }

    private static ByteBuf frame(RemotingCommand command) {
        return RemotingCommandCodecBench.frame(command, UnpooledByteBufAllocator.DEFAULT);
    }
}
