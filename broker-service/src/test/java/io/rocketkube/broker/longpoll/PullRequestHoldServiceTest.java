package io.rocketkube.broker.longpoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.MessageFilter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PullRequestHoldServiceTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final PullRequestHoldService holds = new PullRequestHoldService(timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void aMatchingArrivalResumesTheHeldPullOnceAndANonMatchingOneDoesNot() {
        AtomicInteger resumed = new AtomicInteger();
        holds.hold("T", 0, 5, MessageFilter.tagsCodeIn(Set.of(7L)), 60_000, resumed::incrementAndGet, () -> 5);
        holds.onArrival("T", 0, 5, 8, 0);
        holds.onArrival("T", 1, 5, 7, 0);
        holds.onArrival("T", 0, 4, 7, 0);
        assertThat(resumed).hasValue(0);
        assertThat(holds.heldCount()).isEqualTo(1);
        holds.onArrival("T", 0, 5, 7, 0);
        holds.onArrival("T", 0, 6, 7, 0);
        assertThat(resumed).hasValue(1);
        assertThat(holds.heldCount()).isZero();
    }

    @Test
    void theSuspendTimeoutResumesAnIdlePull() {
        AtomicInteger resumed = new AtomicInteger();
        holds.hold("T", 0, 0, MessageFilter.ALL, 50, resumed::incrementAndGet, () -> 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> resumed.get() == 1);
        assertThat(holds.heldCount()).isZero();
    }

    @Test
    void aMessageThatArrivedBeforeTheHoldResumesAtOnce() {
        AtomicInteger resumed = new AtomicInteger();
        holds.hold("T", 0, 3, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 4);
        assertThat(resumed).hasValue(1);
    }

    @Test
    void closeResumesEveryHeldPull() {
        AtomicInteger resumed = new AtomicInteger();
        holds.hold("T", 0, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0);
        holds.hold("U", 2, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0);
        holds.close();
        assertThat(resumed).hasValue(2);
    }

    @Test
    void pullsPastTheConnectionCapOrTheTotalCapAreRefusedAndNotHeld() {
        PullRequestHoldService capped = new PullRequestHoldService(timer, 2, 3);
        AtomicInteger resumed = new AtomicInteger();
        Object a = new Object();
        Object b = new Object();
        assertThat(capped.tryHold(a, "T", 0, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isTrue();
        assertThat(capped.tryHold(a, "T", 1, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isTrue();
        assertThat(capped.tryHold(a, "T", 2, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isFalse();
        assertThat(capped.tryHold(b, "T", 3, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isTrue();
        assertThat(capped.tryHold(b, "T", 4, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isFalse();
        assertThat(capped.heldCount()).isEqualTo(3);
        assertThat(capped.heldCount(a)).isEqualTo(2);
        assertThat(resumed).hasValue(0);

        // Resuming one frees its slot for the same connection.
        capped.onArrival("T", 0, 0, 0, 0);
        assertThat(resumed).hasValue(1);
        assertThat(capped.heldCount(a)).isEqualTo(1);
        assertThat(capped.tryHold(a, "T", 2, 0, MessageFilter.ALL, 60_000, resumed::incrementAndGet, () -> 0))
                .isTrue();
        capped.close();
        assertThat(resumed).hasValue(4);
        assertThat(capped.heldCount(a)).isZero();
        assertThat(capped.heldCount(b)).isZero();
    }
}
