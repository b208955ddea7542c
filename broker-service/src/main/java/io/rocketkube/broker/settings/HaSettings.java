package io.rocketkube.broker.settings;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Replication settings (RocketMQ 4.9's names and defaults in brackets).
 *
 * @param masterHaAddress        a slave's master HA address ({@code host:port}), overriding the one the NameServers
 *                               answer [haMasterAddress]
 * @param slaveTimeout           how long a SYNC_MASTER send waits for a slave's ack before FLUSH_SLAVE_TIMEOUT
 *                               [slaveTimeout, 3 s]
 * @param maxGapNotInSync        a slave further behind than this many bytes makes SYNC_MASTER answer
 *                               SLAVE_NOT_AVAILABLE at once [haSlaveFallbehindMax, 256 MiB]
 * @param housekeepingInterval   either side drops an HA connection silent for this long
 *                               [haHousekeepingInterval, 20 s]; the master also drops a slave that has not read
 *                               what was sent to it for this long
 * @param heartbeatInterval      a slave reports at least this often, an idle master sends an empty frame this often
 *                               [haSendHeartbeatInterval, 5 s]
 * @param transferBatchSize      CommitLog bytes per frame at most [haTransferBatchSize, 32 KiB]
 * @param maxPendingBytesPerSlave bytes the master queues for one slave before it stops reading the log for it
 * @param slaveReadyMaxLagBytes  a slave is ready only while it is at most this far behind its master
 */
public record HaSettings(
        Optional<String> masterHaAddress,
        Duration slaveTimeout,
        long maxGapNotInSync,
        Duration housekeepingInterval,
        Duration heartbeatInterval,
        int transferBatchSize,
        int maxPendingBytesPerSlave,
        long slaveReadyMaxLagBytes) {

    public HaSettings {
        Objects.requireNonNull(masterHaAddress, "masterHaAddress");
        masterHaAddress = masterHaAddress.map(String::trim).filter(s -> !s.isEmpty());
        if (transferBatchSize < 1024 || maxPendingBytesPerSlave < transferBatchSize) {
            throw new IllegalArgumentException("ha-transfer-batch-size must be >= 1024 and "
                    + "ha-max-pending-bytes-per-slave >= ha-transfer-batch-size");
        }
        if (heartbeatInterval.compareTo(housekeepingInterval) >= 0) {
            throw new IllegalArgumentException("ha-heartbeat-interval must be shorter than ha-housekeeping-interval");
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static HaSettings defaults() {
        return BrokerSettings.defaults().ha();
    }

    public HaSettings withMasterHaAddress(String address) {
        return new HaSettings(
                Optional.ofNullable(address),
                slaveTimeout,
                maxGapNotInSync,
                housekeepingInterval,
                heartbeatInterval,
                transferBatchSize,
                maxPendingBytesPerSlave,
                slaveReadyMaxLagBytes);
    }

    public HaSettings withSlaveTimeout(Duration timeout) {
        return new HaSettings(
                masterHaAddress,
                timeout,
                maxGapNotInSync,
                housekeepingInterval,
                heartbeatInterval,
                transferBatchSize,
                maxPendingBytesPerSlave,
                slaveReadyMaxLagBytes);
    }

    public HaSettings withIntervals(Duration housekeeping, Duration heartbeat) {
        return new HaSettings(
                masterHaAddress,
                slaveTimeout,
                maxGapNotInSync,
                housekeeping,
                heartbeat,
                transferBatchSize,
                maxPendingBytesPerSlave,
                slaveReadyMaxLagBytes);
    }

    public HaSettings withMaxGapNotInSync(long bytes) {
        return new HaSettings(
                masterHaAddress,
                slaveTimeout,
                bytes,
                housekeepingInterval,
                heartbeatInterval,
                transferBatchSize,
                maxPendingBytesPerSlave,
                slaveReadyMaxLagBytes);
    }
}
