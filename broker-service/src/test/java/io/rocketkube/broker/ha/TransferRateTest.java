package io.rocketkube.broker.ha;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TransferRateTest {

    @Test
    void ratesAWindowOfAtLeastASecondAndReadsZeroOnceIdle() {
        TransferRate rate = new TransferRate();
        assertThat(rate.bytesPerSecond(0)).isZero();
        rate.observe(1_000, 0);
        rate.observe(1_500, 400);
        assertThat(rate.bytesPerSecond(400)).as("no full window yet").isZero();
        rate.observe(5_000, 2_000);
        assertThat(rate.bytesPerSecond(2_000)).isEqualTo(2_000);
        rate.observe(5_000, 3_000);
        assertThat(rate.bytesPerSecond(3_500)).as("an idle window").isZero();
        assertThat(rate.bytesPerSecond(6_000)).isZero();
    }

    @Test
    void aCutBackLogStartsANewWindowInsteadOfANegativeRate() {
        TransferRate rate = new TransferRate();
        rate.observe(10_000, 0);
        rate.observe(4_000, 1_500);
        rate.observe(6_000, 2_500);
        assertThat(rate.bytesPerSecond(2_500)).isEqualTo(2_000);
    }
}
