package io.rocketkube.broker.persist;

import io.rocketkube.store.file.ChecksummedFile;
import java.nio.file.Path;

/**
 * Where the broker's own metadata lives under the store path, and the magic of each file. Magics are on
 * disk: never change one; bump the format version when a payload changes shape.
 */
public final class BrokerFiles {
    /** "RKTP". */
    static final int TOPICS_MAGIC = 0x524B5450;
    /** "RKSG". */
    static final int GROUPS_MAGIC = 0x524B5347;
    /** "RKCO". */
    static final int OFFSETS_MAGIC = 0x524B434F;
    /** "RKRC". */
    static final int RUNTIME_CONFIG_MAGIC = 0x524B5243;
    /** "RKRV". */
    static final int RUNTIME_OVERRIDES_MAGIC = 0x524B5256;

    static final int FORMAT_VERSION = 1;

    private BrokerFiles() {}

    public static ChecksummedFile topics(Path storePath) {
        return new ChecksummedFile(config(storePath).resolve("topics.rkc"), TOPICS_MAGIC, FORMAT_VERSION);
    }

    public static ChecksummedFile subscriptionGroups(Path storePath) {
        return new ChecksummedFile(config(storePath).resolve("subscriptionGroups.rkc"), GROUPS_MAGIC, FORMAT_VERSION);
    }

    public static ChecksummedFile consumerOffsets(Path storePath) {
        return new ChecksummedFile(config(storePath).resolve("consumerOffsets.rkc"), OFFSETS_MAGIC, FORMAT_VERSION);
    }

    /** mqadmin updateBrokerConfig's brokerPermission, in the format every broker version reads. */
    public static ChecksummedFile runtimeConfig(Path storePath) {
        return new ChecksummedFile(
                config(storePath).resolve("runtimeConfig.rkc"), RUNTIME_CONFIG_MAGIC, FORMAT_VERSION);
    }

    /** mqadmin updateBrokerConfig's other runtime overrides, with the configured values they replaced. */
    public static ChecksummedFile runtimeOverrides(Path storePath) {
        return new ChecksummedFile(
                config(storePath).resolve("runtimeOverrides.rkc"), RUNTIME_OVERRIDES_MAGIC, FORMAT_VERSION);
    }

    private static Path config(Path storePath) {
        return storePath.resolve("config");
    }
}
