package io.rocketkube.broker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.store.RetentionPolicy;
import io.rocketkube.store.file.ChecksummedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeConfigTest {
    private static final RuntimeConfig.Defaults CONFIGURED =
            new RuntimeConfig.Defaults(6, true, true, false, 4 * 1024 * 1024, 72, 4, 75);

    @TempDir
    Path dir;

    private ChecksummedFile file() {
        return new ChecksummedFile(dir.resolve("runtimeConfig.rkc"), 0x524b5243, 1);
    }

    @Test
    void withoutOverridesEveryKeyHasItsConfiguredValue() throws Exception {
        RuntimeConfig config = RuntimeConfig.load(file(), CONFIGURED);

        assertThat(config.current())
                .containsExactly(
                        Map.entry("brokerPermission", "6"),
                        Map.entry("autoCreateTopicEnable", "true"),
                        Map.entry("autoCreateSubscriptionGroup", "true"),
                        Map.entry("slaveReadEnable", "false"),
                        Map.entry("maxMessageSize", "4194304"),
                        Map.entry("fileReservedTime", "72"),
                        Map.entry("deleteWhen", "04"),
                        Map.entry("diskMaxUsedSpaceRatio", "75"));
        assertThat(config.retentionPolicy()).isEqualTo(new RetentionPolicy(72, Set.of(4), 75));
        assertThat(Files.exists(file().path()))
                .as("nothing written before an update")
                .isFalse();
    }

    @Test
    void anUpdateAppliesEveryKeyAtOnceAndSurvivesAReload() throws Exception {
        RuntimeConfig config = RuntimeConfig.load(file(), CONFIGURED);

        Set<String> changed = config.update(Map.of(
                "brokerPermission", "4",
                "autoCreateTopicEnable", "FALSE",
                "autoCreateSubscriptionGroup", "false",
                "slaveReadEnable", "true",
                "maxMessageSize", "1024",
                "fileReservedTime", " 48 ",
                "deleteWhen", "03;15",
                "diskMaxUsedSpaceRatio", "60"));

        assertThat(changed).hasSize(8);
        assertThat(config.brokerPermission()).isEqualTo(4);
        assertThat(config.autoCreateTopic()).isFalse();
        assertThat(config.autoCreateSubscriptionGroup()).isFalse();
        assertThat(config.slaveReadEnable()).isTrue();
        assertThat(config.maxMessageSize()).isEqualTo(1024);
        assertThat(config.retentionPolicy()).isEqualTo(new RetentionPolicy(48, Set.of(3, 15), 60));
        assertThat(config.update(Map.of("maxMessageSize", "1024")))
                .as("same value: no change")
                .isEmpty();

        RuntimeConfig reloaded = RuntimeConfig.load(file(), CONFIGURED);
        assertThat(reloaded.current()).isEqualTo(config.current());
    }

    @Test
    void aBadKeyOrValueIsRefusedAndNothingChanges() throws Exception {
        RuntimeConfig config = RuntimeConfig.load(file(), CONFIGURED);
        config.update(Map.of("fileReservedTime", "24"));
        Map<String, String> before = config.current();

        assertThatThrownBy(() -> config.update(Map.of("fileReservedTime", "1", "brokerName", "b")))
                .hasMessageContaining("brokerName");
        assertThatThrownBy(() -> config.update(Map.of("fileReservedTime", "1", "maxMessageSize", "4194305")))
                .hasMessageContaining("maxMessageSize")
                .hasMessageContaining("needs a restart");
        assertThatThrownBy(() -> config.update(Map.of("deleteWhen", "24"))).hasMessageContaining("deleteWhen");
        assertThatThrownBy(() -> config.update(Map.of("deleteWhen", "04;"))).hasMessageContaining("deleteWhen");
        assertThatThrownBy(() -> config.update(Map.of("diskMaxUsedSpaceRatio", "96")))
                .hasMessageContaining("10..95");
        assertThatThrownBy(() -> config.update(Map.of("slaveReadEnable", "yes")))
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> config.update(Map.of("brokerPermission", "8"))).hasMessageContaining("bits");
        assertThatThrownBy(() -> config.update(Map.of("fileReservedTime", "-1")))
                .hasMessageContaining("0..");

        assertThat(config.current()).isEqualTo(before);
        assertThat(RuntimeConfig.load(file(), CONFIGURED).current()).isEqualTo(before);
    }

    /** An edited RocketCluster or environment is newer than an earlier mqadmin change of the same key. */
    @Test
    void anOverrideGivesWayWhenTheConfigurationChangesTheKeyAfterIt() throws Exception {
        RuntimeConfig.load(file(), CONFIGURED).update(Map.of("fileReservedTime", "48", "brokerPermission", "4"));

        RuntimeConfig.Defaults edited = new RuntimeConfig.Defaults(6, true, true, false, 4 * 1024 * 1024, 24, 4, 75);
        RuntimeConfig reloaded = RuntimeConfig.load(file(), edited);

        assertThat(reloaded.retentionPolicy().fileReservedHours())
                .as("the configuration moved from 72 to 24 after the override")
                .isEqualTo(24);
        assertThat(reloaded.brokerPermission())
                .as("the permission's configured value did not move")
                .isEqualTo(4);
    }

    @Test
    void anOverrideTheBrokerCanNoLongerApplyIsDropped() throws Exception {
        RuntimeConfig.load(file(), CONFIGURED).update(Map.of("maxMessageSize", "2000000"));

        RuntimeConfig.Defaults smaller = new RuntimeConfig.Defaults(6, true, true, false, 1_000_000, 72, 4, 75);
        assertThat(RuntimeConfig.load(file(), smaller).maxMessageSize()).isEqualTo(1_000_000);
    }

    @Test
    void theFirstFormatWithTheValueAloneIsStillRead() throws Exception {
        file().write("{\"brokerPermission\":\"4\"}".getBytes(StandardCharsets.UTF_8));

        RuntimeConfig config = RuntimeConfig.load(file(), CONFIGURED);

        assertThat(config.brokerPermission()).isEqualTo(4);
        config.update(Map.of("slaveReadEnable", "true"));
        assertThat(RuntimeConfig.load(file(), CONFIGURED).brokerPermission()).isEqualTo(4);
    }
}
