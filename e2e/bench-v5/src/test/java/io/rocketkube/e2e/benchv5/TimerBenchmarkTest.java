package io.rocketkube.e2e.benchv5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's own arithmetic and command line, without any server. */
class TimerBenchmarkTest {

    @Test
    void percentilesAreNearestRankOverSortedValues() {
        long[] sorted = new long[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(TimerBenchmark.percentile(sorted, 50)).isEqualTo(50);
        assertThat(TimerBenchmark.percentile(sorted, 99)).isEqualTo(99);
        assertThat(TimerBenchmark.percentile(sorted, 100)).isEqualTo(100);
        assertThat(TimerBenchmark.percentile(new long[] {7}, 99)).isEqualTo(7);
        assertThat(TimerBenchmark.percentile(new long[0], 50)).isEqualTo(-1);
    }

    @Test
    void optionsHaveTheIssuesDefaultsAndRefuseUnknownOnes() {
        TimerBenchmark.Options defaults = TimerBenchmark.Options.parse("timer");
        assertThat(defaults.pending()).isEqualTo(1_000_000);
        assertThat(defaults.sides()).containsExactly("apache", "ours");
        TimerBenchmark.Options set =
                TimerBenchmark.Options.parse("timer", "--pending=5", "--sides=ours", "--our-jvm=-XX:a,-XX:b");
        assertThat(set.pending()).isEqualTo(5);
        assertThat(set.ourJvm()).isEqualTo(List.of("-XX:a", "-XX:b"));
        assertThatThrownBy(() -> TimerBenchmark.Options.parse("timer", "--pendng=5"))
                .hasMessageContaining("unknown option --pendng");
    }
}
