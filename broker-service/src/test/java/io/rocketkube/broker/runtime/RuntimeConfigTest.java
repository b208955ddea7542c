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

    private ChecksummedFile permissionFile() {
        return new ChecksummedFile(dir.resolve("runtimeConfig.rkc"), 0x524b5243, 1);
    }

    private ChecksummedFile overridesFile() {
        return new ChecksummedFile(dir.resolve("runtimeOverrides.rkc"), 0x524b5256, 1);
    }

    private RuntimeConfig load(RuntimeConfig.Defaults defaults) throws Exception {
        return RuntimeConfig.load(permissionFile(), overridesFile(), defaults);
    }

    @Test
    void withoutOverridesEveryKeyHasItsConfiguredValue() throws Exception {
        RuntimeConfig config = load(CONFIGURED);

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
        assertThat(Files.exists(permissionFile().path())
                        || Files.exists(overridesFile().path()))
                .as("nothing written before an update")
                .isFalse();
    }

    @Test
    void anUpdateAppliesEveryKeyAtOnceAndSurvivesAReload() throws Exception {
        RuntimeConfig config = load(CONFIGURED);

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

        RuntimeConfig reloaded = load(CONFIGURED);
        assertThat(reloaded.current()).isEqualTo(config.current());
    }

    @Test
    void aBadKeyOrValueIsRefusedAndNothingChanges() throws Exception {
        RuntimeConfig config = load(CONFIGURED);
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
        assertThat(load(CONFIGURED).current()).isEqualTo(before);
    }

    /** An edited RocketCluster or environment is newer than an earlier mqadmin change of the same key. */
    @Test
    void anOverrideGivesWayWhenTheConfigurationChangesTheKeyAfterIt() throws Exception {
        load(CONFIGURED).update(Map.of("fileReservedTime", "48", "brokerPermission", "4"));

        RuntimeConfig.Defaults edited = new RuntimeConfig.Defaults(6, true, true, false, 4 * 1024 * 1024, 24, 4, 75);
        RuntimeConfig reloaded = load(edited);

        assertThat(reloaded.retentionPolicy().fileReservedHours())
                .as("the configuration moved from 72 to 24 after the override")
                .isEqualTo(24);
        assertThat(reloaded.brokerPermission())
                .as("the permission's configured value did not move")
                .isEqualTo(4);
    }

    @Test
    void anOverrideTheBrokerCanNoLongerApplyIsDropped() throws Exception {
        load(CONFIGURED).update(Map.of("maxMessageSize", "2000000"));

        RuntimeConfig.Defaults smaller = new RuntimeConfig.Defaults(6, true, true, false, 1_000_000, 72, 4, 75);
        assertThat(load(smaller).maxMessageSize()).isEqualTo(1_000_000);
    }

    @Test
    void theFirstFormatWithTheValueAloneIsStillRead() throws Exception {
        permissionFile().write("{\"brokerPermission\":\"4\"}".getBytes(StandardCharsets.UTF_8));

        RuntimeConfig config = load(CONFIGURED);

        assertThat(config.brokerPermission()).isEqualTo(4);
        config.update(Map.of("slaveReadEnable", "true"));
        assertThat(load(CONFIGURED).brokerPermission()).isEqualTo(4);
    }

    /** A broker rolled back to a version that knew brokerPermission alone still reads its file. */
    @Test
    void thePermissionFileStaysInTheFormatEveryVersionReads() throws Exception {
        load(CONFIGURED).update(Map.of("brokerPermission", "4", "fileReservedTime", "48"));

        assertThat(new String(permissionFile().read().orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("{\"brokerPermission\":\"4\"}");
        assertThat(new String(overridesFile().read().orElseThrow(), StandardCharsets.UTF_8))
                .contains("fileReservedTime")
                .doesNotContain("brokerPermission");
    }

    @Test
    void aDroppedOverrideIsGoneFromDiskAndDoesNotComeBack() throws Exception {
        load(CONFIGURED).update(Map.of("fileReservedTime", "48"));
        RuntimeConfig.Defaults edited = new RuntimeConfig.Defaults(6, true, true, false, 4 * 1024 * 1024, 24, 4, 75);
        assertThat(load(edited).retentionPolicy().fileReservedHours()).isEqualTo(24);

        assertThat(load(CONFIGURED).retentionPolicy().fileReservedHours())
                .as("the configuration went back to 72: the 48 dropped before stays dropped")
                .isEqualTo(72);
    }
}
