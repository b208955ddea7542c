package io.rocketkube.broker.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tick's chain is walked once for its markers; a tick larger than what that walk keeps is delivered from the
 * kept records and then from the log again, in the same order.
 */
class TickChainTest {
    private static final long P = 1000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aTickLargerThanWhatTheWalkKeepsIsDeliveredWholeInChainOrder() throws Exception {
        try (TimerWheelStore s = TimerWheelStore.open(dir, P, 10, T0, 16)) {
            for (int i = 0; i < 7; i++) {
                s.add(T0 + 1500, i, 100L * i, 50, i == 4);
            }
            long tick = T0 + 2 * P;
            List<Long> markers = new ArrayList<>();
            TickChain whole = TickChain.read(tick, s, offset -> {
                markers.add(offset);
                return Optional.empty();
            });
            assertThat(markers).as("only the marker's message is read").containsExactly(400L);
            List<Long> fromMemory = offsets(whole, s);
            List<Long> partlyReread = offsets(TickChain.read(tick, s, offset -> Optional.empty(), 2), s);
            assertThat(partlyReread).isEqualTo(fromMemory);
            assertThat(fromMemory).containsExactly(6L, 5L, 4L, 3L, 2L, 1L, 0L);
        }
    }

    private static List<Long> offsets(TickChain chain, TimerWheelStore s) throws Exception {
        List<Long> seen = new ArrayList<>();
        assertThat(chain.forEach(s, e -> seen.add(e.queueOffset()))).isTrue();
        return seen;
    }
}
