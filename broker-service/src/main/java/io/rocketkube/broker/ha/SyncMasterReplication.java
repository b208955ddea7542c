package io.rocketkube.broker.ha;

import io.rocketkube.broker.BrokerRole;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a SYNC_MASTER adds to a send (RocketMQ 4.9's {@code CommitLog.submitReplicaRequest}): a message sent with
 * WAIT=true is answered only once a slave has acknowledged the CommitLog up to the message's end. Otherwise the
 * message stays stored and the answer says why it is not replicated:
 * <ul>
 *   <li>SLAVE_NOT_AVAILABLE (response code 11) at once when no slave is attached, or the best slave is
 *   {@code maxGapNotInSync} bytes or more behind the message's end;</li>
 *   <li>FLUSH_SLAVE_TIMEOUT (12) when no slave acknowledged it within {@code slaveTimeout}.</li>
 * </ul>
 * The replication status wins over FLUSH_DISK_TIMEOUT, as in the reference. ASYNC_MASTER, slaves and WAIT=false
 * sends pass through untouched.
 */
public final class SyncMasterReplication {
    private final boolean syncMaster;
    private final ReplicationProgress progress;
    private final GroupTransferWaiters waiters;
    private final Duration slaveTimeout;
    private final long maxGap;
    private final Runnable wakeTransfers;

    /**
     * @param wakeTransfers starts streaming the new bytes to the slaves at once, so a waiting send does not also
     *     wait for the HA connection's next tick
     */
    public SyncMasterReplication(BrokerRole role, ReplicationProgress progress, GroupTransferWaiters waiters,
                                 Duration slaveTimeout, long maxGap, Runnable wakeTransfers) {
        this.syncMaster = role == BrokerRole.SYNC_MASTER;
        this.progress = progress;
        this.waiters = waiters;
        this.slaveTimeout = slaveTimeout;
        this.maxGap = maxGap;
        this.wakeTransfers = wakeTransfers;
    }

    /** For brokers that are not SYNC_MASTER. */
    public static SyncMasterReplication none() {
        return new SyncMasterReplication(BrokerRole.ASYNC_MASTER, null, null, Duration.ZERO, 0, () -> { });
    }

    /** The put's result once replication allows the answer. */
    public CompletableFuture<PutResult> afterStored(CompletableFuture<PutResult> put, boolean waitStoreMsgOk) {
        if (!syncMaster || !waitStoreMsgOk) {
            return put;
        }
        return put.thenCompose(this::replicate);
    }

    private CompletableFuture<PutResult> replicate(PutResult result) {
        if (!result.status().isStored()) {
            return CompletableFuture.completedFuture(result);
        }
        long end = result.firstPhysicalOffset() + result.wroteBytes();
        if (!progress.slaveOk(end, maxGap)) {
            return CompletableFuture.completedFuture(result.withStatus(PutStatus.SLAVE_NOT_AVAILABLE));
        }
        CompletableFuture<Boolean> replicated = waiters.await(end, slaveTimeout);
        if (!replicated.isDone()) {
            wakeTransfers.run();
        }
        return replicated
                .thenApply(ok -> ok ? result : result.withStatus(PutStatus.FLUSH_SLAVE_TIMEOUT));
    }
}
