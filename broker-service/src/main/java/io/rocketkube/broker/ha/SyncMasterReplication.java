package io.rocketkube.broker.ha;

import io.netty.channel.EventLoop;
import io.rocketkube.broker.settings.BrokerRole;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

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
    private final Consumer<EventLoop> wakeTransfers;

    /**
     * @param wakeTransfers starts streaming the new bytes to the slaves at once, so a waiting send does not also
     *     wait for the HA connection's next tick; given the I/O loop the send runs on (null: another thread)
     */
    public SyncMasterReplication(
            BrokerRole role,
            ReplicationProgress progress,
            GroupTransferWaiters waiters,
            Duration slaveTimeout,
            long maxGap,
            Consumer<EventLoop> wakeTransfers) {
        this.syncMaster = role == BrokerRole.SYNC_MASTER;
        this.progress = progress;
        this.waiters = waiters;
        this.slaveTimeout = slaveTimeout;
        this.maxGap = maxGap;
        this.wakeTransfers = wakeTransfers;
    }

    /** For brokers that are not SYNC_MASTER. */
    public static SyncMasterReplication none() {
        return new SyncMasterReplication(BrokerRole.ASYNC_MASTER, null, null, Duration.ZERO, 0, loop -> {});
    }

    /**
     * The put's result once replication allows the answer.
     *
     * @param senderLoop the I/O loop of the sender's connection (null if none); a wait that starts on it lets
     *     the HA connection move there ({@code HaConnection}), so that the frame, the slave's report and the
     *     answer need no hand-over between threads
     */
    public CompletableFuture<PutResult> afterStored(
            CompletableFuture<PutResult> put, boolean waitStoreMsgOk, EventLoop senderLoop) {
        if (!syncMaster || !waitStoreMsgOk) {
            return put;
        }
        return put.thenCompose(result -> replicate(result, senderLoop));
    }

    private CompletableFuture<PutResult> replicate(PutResult result, EventLoop senderLoop) {
        if (!result.status().isStored()) {
            return CompletableFuture.completedFuture(result);
        }
        long end = result.firstPhysicalOffset() + result.wroteBytes();
        if (!progress.slaveOk(end, maxGap)) {
            return CompletableFuture.completedFuture(result.withStatus(PutStatus.SLAVE_NOT_AVAILABLE));
        }
        CompletableFuture<Boolean> replicated = waiters.await(end, slaveTimeout);
        if (!replicated.isDone()) {
            wakeTransfers.accept(senderLoop != null && senderLoop.inEventLoop() ? senderLoop : null);
        }
        return replicated.thenApply(ok -> ok ? result : result.withStatus(PutStatus.FLUSH_SLAVE_TIMEOUT));
    }
}
