package io.rocketkube.broker.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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

    @Test
    void testSettingsAreThePackagedDefaultsWithOnlyTheKeysTheTestNames() {
        Path store = Path.of("target", "settings-test");
        BrokerSettings test = BrokerSettings.forTest("127.0.0.9", store, "127.0.0.1:9876");
        BrokerSettings packaged = BrokerSettings.defaults();

        assertThat(test)
                .usingRecursiveComparison()
                .ignoringFields(
                        "host",
                        "advertisedHost",
                        "storePath",
                        "port",
                        "haPort",
                        "commitLogSegmentSize",
                        "shutdownGrace")
                .isEqualTo(packaged);
        assertThat(test.host()).isEqualTo("127.0.0.9");
        assertThat(test.advertisedHost()).isEqualTo("127.0.0.9");
        assertThat(test.storePath()).isEqualTo(store);
        assertThat(test.port()).isZero();
        assertThat(test.commitLogSegmentSize()).isEqualTo(64 * 1024 * 1024);
        assertThat(packaged.commitLogSegmentSize()).isEqualTo(1024 * 1024 * 1024);
        assertThat(packaged.port()).isEqualTo(10911);
        assertThat(packaged.ha()).isEqualTo(HaSettings.defaults());
        assertThat(packaged.delayLevels().maxLevel()).isEqualTo(18);
    }

    @Test
    void keysAreSpelledAsUsersSpellThemAndAnUnknownOneFails() {
        BrokerSettings slave = SettingsFactory.load(Map.of(
                "broker-id", "1", "slave-timeout", "750ms", "message-delay-level", "1s 2s", "store-path", "/tmp/x"));

        assertThat(slave.role()).isEqualTo(BrokerRole.SLAVE);
        assertThat(slave.ha().slaveTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(slave.delayLevels().maxLevel()).isEqualTo(2);
        assertThatThrownBy(() -> SettingsFactory.load(Map.of("send-thread-pool-nums", "4")))
                .hasMessageContaining("send-thread-pool-nums");
    }
}
