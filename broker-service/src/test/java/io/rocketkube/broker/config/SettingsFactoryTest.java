package io.rocketkube.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SettingsFactoryTest {
    @Test
    void brokerIdComesFromThePodOrdinalUnlessSet() {
        assertThat(SettingsFactory.brokerId(OptionalLong.empty(), "rk-broker-a-1"))
                .isEqualTo(1);
        assertThat(SettingsFactory.brokerId(OptionalLong.empty(), "rk-broker-a-0"))
                .isZero();
        assertThat(SettingsFactory.brokerId(OptionalLong.empty(), "no-ordinal")).isZero();
        assertThat(SettingsFactory.brokerId(OptionalLong.empty(), null)).isZero();
        assertThat(SettingsFactory.brokerId(OptionalLong.of(3), "rk-broker-a-1"))
                .isEqualTo(3);
    }

    @Test
    void aConcreteBindHostIsAdvertisedAndAWildcardIsReplaced() {
        assertThat(SettingsFactory.advertisedHost("127.0.0.5")).isEqualTo("127.0.0.5");
        assertThat(SettingsFactory.advertisedHost("0.0.0.0"))
                .isNotEqualTo("0.0.0.0")
                .matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }
}
