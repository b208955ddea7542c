package io.rocketkube.client.protocol;

import java.util.List;

/**
 * Body of GET_BROKER_HA_STATUS (5.x mqadmin haStatus): on a master, its slaves; on a slave, its replication.
 *
 * @param haConnectionInfo    a master's attached slaves (empty on a slave)
 * @param haClientRuntimeInfo a slave's side (all zero on a master)
 */
public record HaRuntimeInfo(
        boolean master,
        long masterCommitLogMaxOffset,
        int inSyncSlaveNums,
        List<SlaveConnection> haConnectionInfo,
        SlaveSide haClientRuntimeInfo) {
    public HaRuntimeInfo {
        haConnectionInfo = haConnectionInfo == null ? List.of() : List.copyOf(haConnectionInfo);
    }

    /**
     * One slave attached to a master.
     *
     * @param addr              the slave's end of the HA connection, {@code ip:port}
     * @param diff              master max offset − {@code slaveAckOffset}
     * @param transferFromWhere the offset the slave asked to start from when it attached
     */
    public record SlaveConnection(
            String addr,
            long slaveAckOffset,
            long diff,
            boolean inSync,
            long transferredByteInSecond,
            long transferFromWhere) {}

    /**
     * A slave's replication.
     *
     * @param masterAddr        the master's HA address
     * @param maxOffset         this slave's CommitLog max offset
     * @param lastReadTimestamp when the master was last heard
     * @param lastWriteTimestamp when the slave last reported its offset
     * @param masterFlushOffset RocketMQ 5's controller mode only; 0 in classic replication, as there
     * @param activated         replicating now
     */
    public record SlaveSide(
            String masterAddr,
            long transferredByteInSecond,
            long maxOffset,
            long lastReadTimestamp,
            long lastWriteTimestamp,
            long masterFlushOffset,
            boolean activated) {}
}
