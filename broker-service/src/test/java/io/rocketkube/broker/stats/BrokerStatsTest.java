package io.rocketkube.broker.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rocketkube.broker.util.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BrokerStatsTest {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @Test
    void totalsAreSnapshotAtEachLocalMidnight() {
        MovableClock clock = new MovableClock(ZONE);
        BrokerStats stats = new BrokerStats(new SimpleMeterRegistry(), clock, () -> 0);
        stats.recordPut("T", 3, 30, 1);
        stats.recordGet("T", "G", 2, 20);
        assertThat(stats.putTotalTodayMorning()).isZero();
        assertThat(stats.putTotalYesterdayMorning()).isZero();

        clock.advanceTo(nextMidnight(clock).plusSeconds(5));
        stats.sample();
        stats.recordPut("T", 4, 40, 1);
        stats.recordGet("T", "G", 1, 10);
        assertThat(stats.putTotalTodayMorning()).isEqualTo(3);
        assertThat(stats.getTotalTodayMorning()).isEqualTo(2);
        assertThat(stats.putTotalYesterdayMorning()).isZero();
        assertThat(stats.putTotal()).isEqualTo(7);

        // Read (not sampled) just after the next midnight: the day still rolls.
        clock.advanceTo(nextMidnight(clock).plusSeconds(1));
        assertThat(stats.putTotalTodayMorning()).isEqualTo(7);
        assertThat(stats.putTotalYesterdayMorning()).isEqualTo(3);
        assertThat(stats.getTotalTodayMorning()).isEqualTo(3);
        assertThat(stats.getTotalYesterdayMorning()).isEqualTo(2);

        // Two midnights unseen: nothing is known between them, both mornings are the current totals.
        clock.advance(Duration.ofDays(2));
        assertThat(stats.putTotalYesterdayMorning()).isEqualTo(7);
        assertThat(stats.putTotalTodayMorning()).isEqualTo(7);
    }

    @Test
    void missRateCountsLookupsThatFoundNothing() {
        MovableClock clock = new MovableClock(ZONE);
        AtomicLong misses = new AtomicLong();
        BrokerStats stats = new BrokerStats(new SimpleMeterRegistry(), clock, misses::get);
        clock.advance(Duration.ofSeconds(10));
        misses.set(50);
        stats.recordGet("T", "G", 30, 300);
        assertThat(Double.parseDouble(stats.getMissTps().split(" ")[0])).isBetween(4.5, 5.0);
        assertThat(Double.parseDouble(stats.getTotalTps().split(" ")[0])).isBetween(7.5, 8.0);
        assertThat(Double.parseDouble(stats.getTps().split(" ")[0])).isBetween(2.7, 3.0);
    }

    private static Instant nextMidnight(MovableClock clock) {
        return LocalDate.ofInstant(clock.instant(), ZONE)
                .plusDays(1)
                .atStartOfDay(ZONE)
                .toInstant();
    }
}
