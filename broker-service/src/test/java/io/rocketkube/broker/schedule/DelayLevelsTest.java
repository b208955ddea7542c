package io.rocketkube.broker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.DelayLevels;
import org.junit.jupiter.api.Test;

/** The messageDelayLevel format: units s, m, h, d; clamping above the highest level; bad strings refused at start. */
class DelayLevelsTest {
    @Test
    void theDefaultTableHasEighteenLevelsFromOneSecondToTwoHours() {
        DelayLevels levels = BrokerSettings.defaults().delayLevels();
        assertThat(levels.maxLevel()).isEqualTo(18);
        assertThat(levels.delayMillis(1)).isEqualTo(1_000);
        assertThat(levels.delayMillis(3)).isEqualTo(10_000);
        assertThat(levels.delayMillis(5)).isEqualTo(60_000);
        assertThat(levels.delayMillis(18)).isEqualTo(7_200_000);
        assertThat(levels.clamp(40)).isEqualTo(18);
        assertThat(DelayLevels.parse("  2d\t3h ").delayMillis(1)).isEqualTo(172_800_000L);
    }

    @Test
    void stringsTheReferenceCouldNotUseAreRefused() {
        for (String bad : new String[] {"", "  ", "5", "5x", "s", "-1s", "0m", "1s 2q"}) {
            assertThatThrownBy(() -> DelayLevels.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("message-delay-level");
        }
    }
}
