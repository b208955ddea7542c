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
 * kept records and then from the log again, in the same order and with the same resume point.
 */
class TickChainTest {
    private static final long P = 1000;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void aTickLargerThanWhatTheWalkKeepsIsDeliveredWholeInChainOrderFromAnyResumePoint() throws Exception {
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
            for (int skip : new int[] {0, 1, 3, 6}) {
                List<Long> fromMemory = offsets(whole, s, skip);
                List<Long> partlyReread = offsets(TickChain.read(tick, s, offset -> Optional.empty(), 2), s, skip);
                assertThat(partlyReread).isEqualTo(fromMemory);
                assertThat(fromMemory).hasSize(7 - skip).first().isEqualTo(6L - skip);
            }
        }
    }

    private static List<Long> offsets(TickChain chain, TimerWheelStore s, int skip) throws Exception {
        List<Long> seen = new ArrayList<>();
        assertThat(chain.forEach(s, skip, e -> seen.add(e.queueOffset()))).isTrue();
        return seen;
    }
}
