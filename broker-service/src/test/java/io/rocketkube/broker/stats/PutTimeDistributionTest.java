package io.rocketkube.broker.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PutTimeDistributionTest {
    @Test
    void showsTheLastCompleteMinuteInRocketMqsBuckets() {
        PutTimeDistribution times = new PutTimeDistribution(1_000);
        for (long millis : new long[] {0, 0, 9, 10, 49, 50, 199, 999, 1_000, 9_999, 10_000, 120_000}) {
            times.record(millis);
        }
        assertThat(times.describe())
                .as("nothing is shown before the first minute is complete")
                .isEqualTo("[<=0ms]:0 [0~10ms]:0 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 "
                        + "[500ms~1s]:0 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 ");

        times.rollIfDue(1_000 + PutTimeDistribution.MINUTE_MILLIS - 1);
        assertThat(times.describe()).startsWith("[<=0ms]:0 ");
        times.rollIfDue(1_000 + PutTimeDistribution.MINUTE_MILLIS);
        assertThat(times.describe())
                .isEqualTo("[<=0ms]:2 [0~10ms]:1 [10~50ms]:2 [50~100ms]:1 [100~200ms]:1 [200~500ms]:0 "
                        + "[500ms~1s]:1 [1~2s]:1 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:1 [10s~]:2 ");

        times.record(3);
        times.rollIfDue(1_000 + 2 * PutTimeDistribution.MINUTE_MILLIS);
        assertThat(times.describe()).startsWith("[<=0ms]:0 [0~10ms]:1 [10~50ms]:0 ");
        assertThat(times.maxMillis())
                .as("the longest since start, not of the minute")
                .isEqualTo(120_000);
    }
}
