package io.rocketkube.e2e.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DiskStatsTest {

    @Test
    void readsSectorsWrittenFromABlockStatLine() {
        String line =
                "   76840    10101  3320170   782073   508460    64381 51501104   352575        0   258880  1163454";
        assertThat(DiskStats.sectorsWritten(line)).isEqualTo(51_501_104L);
        assertThatThrownBy(() -> DiskStats.sectorsWritten("1 2 3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void machineTotalIsMonotonic() {
        long before = DiskStats.bytesWritten();
        assertThat(before).isNotNegative();
        assertThat(DiskStats.bytesWritten()).isGreaterThanOrEqualTo(before);
    }
}
