package io.rocketkube.broker.settings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What makes a slave behave as one, beyond its role: where its master is when configuration pins it, how often
 * it copies the master's metadata, and whether consumers may be sent to it ({@code slaveReadEnable}).
 *
 * @param masterAddress   the master's remoting address ("host:port"); empty: learned from the NameServers'
 *                        REGISTER_BROKER answers (the normal case, it follows the master's pod)
 * @param slaveReadEnable RocketMQ's {@code slaveReadEnable}: a master may tell a consumer that is far behind to
 *                        read from a slave, and a slave does not send its consumers back to the master
 * @param syncInterval    how often a slave copies topics, groups, consumer and delay offsets from its master
 *                        (RocketMQ's SlaveSynchronize runs every 10 s)
 */
public record SlaveSettings(Optional<String> masterAddress, boolean slaveReadEnable, Duration syncInterval) {
    public SlaveSettings {
        masterAddress = Objects.requireNonNull(masterAddress, "masterAddress").filter(s -> !s.isBlank());
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("slave-sync-interval must be positive, was " + syncInterval);
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static SlaveSettings defaults() {
        return BrokerSettings.defaults().slave();
    }

    public SlaveSettings withMasterAddress(String address) {
        return new SlaveSettings(Optional.ofNullable(address), slaveReadEnable, syncInterval);
    }

    public SlaveSettings withSlaveReadEnable(boolean enable) {
        return new SlaveSettings(masterAddress, enable, syncInterval);
    }

    public SlaveSettings withSyncInterval(Duration interval) {
        return new SlaveSettings(masterAddress, slaveReadEnable, interval);
    }
}
