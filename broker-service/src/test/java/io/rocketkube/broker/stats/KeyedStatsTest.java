package io.rocketkube.broker.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class KeyedStatsTest {
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    @Test
    void aKeyCountsFromItsFirstAddInEveryWindow() {
        KeyedStats stats = new KeyedStats();
        assertThat(stats.view(KeyedStats.TOPIC_PUT_NUMS, "T", 0)).isEmpty();

        stats.add(KeyedStats.TOPIC_PUT_NUMS, "T", 3, 0);
        stats.add(KeyedStats.TOPIC_PUT_NUMS, "T", 1, 0);
        KeyedStats.Snapshot s =
                stats.view(KeyedStats.TOPIC_PUT_NUMS, "T", 4 * SECOND).orElseThrow();
        assertThat(s.minute().sum()).isEqualTo(4);
        assertThat(s.minute().tps()).isCloseTo(1.0, within(1e-9));
        assertThat(s.minute().avgpt()).isCloseTo(2.0, within(1e-9));
        assertThat(s.hour().sum()).isEqualTo(4);
        assertThat(s.day().sum()).isEqualTo(4);
        assertThat(stats.view(KeyedStats.TOPIC_PUT_NUMS, "other", 4 * SECOND)).isEmpty();
        assertThat(stats.view(KeyedStats.GROUP_GET_NUMS, "T", 4 * SECOND)).isEmpty();
    }

    @Test
    void theMinuteForgetsWhatIsOlderThanItsSamplesAndTheDayDoesNot() {
        KeyedStats stats = new KeyedStats();
        stats.add(KeyedStats.TOPIC_PUT_NUMS, "T", 10, 0);
        for (long t = 10 * SECOND; t <= 2 * MINUTE; t += 10 * SECOND) {
            stats.sample(t);
        }
        stats.add(KeyedStats.TOPIC_PUT_NUMS, "T", 2, 2 * MINUTE);
        KeyedStats.Snapshot s = stats.view(KeyedStats.TOPIC_PUT_NUMS, "T", 2 * MINUTE + 5 * SECOND)
                .orElseThrow();
        assertThat(s.minute().sum()).as("the last six 10-s samples and now").isEqualTo(2);
        assertThat(s.minute().tps()).isCloseTo(2.0 / 55, within(1e-9));
        assertThat(s.hour().sum()).isEqualTo(12);
        assertThat(s.day().sum()).isEqualTo(12);
    }

    @Test
    void aKeyIdleForADayIsDroppedAndOneInUseIsNot() {
        KeyedStats stats = new KeyedStats();
        stats.add(KeyedStats.GROUP_GET_NUMS, "T@idle", 5, 0);
        stats.add(KeyedStats.GROUP_GET_NUMS, "T@busy", 5, 0);
        for (long t = HOUR; t <= 30 * HOUR; t += HOUR) {
            stats.add(KeyedStats.GROUP_GET_NUMS, "T@busy", 1, t);
            stats.sample(t);
        }
        assertThat(stats.view(KeyedStats.GROUP_GET_NUMS, "T@idle", 30 * HOUR)).isEmpty();
        KeyedStats.Snapshot busy =
                stats.view(KeyedStats.GROUP_GET_NUMS, "T@busy", 30 * HOUR).orElseThrow();
        assertThat(busy.day().sum()).as("the day's 24 hourly samples").isEqualTo(23);
    }
}
