package io.rocketkube.store;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The broker's view of the store: append, read by queue, look up, and the two replication hooks.
 * Open one with {@code engine.DefaultMessageStore.open(StoreConfig)}, which recovers and starts no thread; then
 * {@link #start()} it to accept appends, and {@link #close()} it in any case.
 *
 * <p>All methods are thread-safe. Offsets: a <em>physical</em> offset is a byte position in the
 * CommitLog; a <em>queue</em> (logical) offset is the index of an entry in one topic/queue's
 * ConsumeQueue. A queue's max offset is the next offset to be written, its min the first still stored.
 */
public interface MessageStore extends AutoCloseable {

    /**
     * Starts the store's threads (dispatching, flushing, checkpoints, retention). Until then appends and
     * the replication hooks are refused; reads see what recovery found. Once only: a second call, or one
     * after {@link #close()}, throws {@link IllegalStateException}.
     *
     * @return this store
     */
    MessageStore start();

    /**
     * Appends one message. The future completes once the message is stored (ASYNC_FLUSH, or WAIT=false)
     * or durable (SYNC_FLUSH with WAIT); under SYNC_FLUSH it completes with FLUSH_DISK_TIMEOUT if the
     * flush takes longer than {@link StoreConfig#syncFlushTimeout()}. A refused message completes with a
     * non-stored status and nothing written; the future never completes exceptionally.
     */
    CompletableFuture<PutResult> put(MessageRecordRequest request);

    /**
     * Appends messages of one topic and queue in one write: all or none. Each gets its own record and
     * the next queue offset. All requests must share topic, queueId, sysFlag and WAIT, else
     * MESSAGE_ILLEGAL.
     */
    CompletableFuture<PutResult> putBatch(List<MessageRecordRequest> requests);

    /**
     * {@link #putBatch} for a caller that must not block (a Netty event loop): null, with nothing written, when
     * the append would wait (the append lock is held by another thread, a new CommitLog segment is due, or
     * the flush mode writes with {@code pwrite}); the caller then calls {@link #putBatch} from a thread that
     * may block. The default never appends inline.
     */
    default CompletableFuture<PutResult> tryPutBatchWithoutBlocking(List<MessageRecordRequest> requests) {
        return null;
    }

    /**
     * Reads up to {@code maxCount} messages and about {@code maxBytes} bytes (at least one message is
     * returned if any matches) from {@code offset} of a queue. Close the result when done.
     */
    GetResult get(String topic, int queueId, long offset, int maxCount, int maxBytes, MessageFilter filter);

    /** First queue offset still stored; 0 for an unknown queue. */
    long minOffset(String topic, int queueId);

    /** Next queue offset to be written (entries ever written); 0 for an unknown queue. */
    long maxOffset(String topic, int queueId);

    /**
     * Up to {@code count} raw ConsumeQueue entries from {@code queueOffset} on (mqadmin queryCq): fewer at the
     * queue's end or where an entry is a hole, none outside [min, max) or for an unknown queue.
     */
    List<ConsumeQueueEntry> consumeQueueEntries(String topic, int queueId, long queueOffset, int count);

    /**
     * The queue offset whose store time is nearest {@code timestamp} (exact match wins; all later → min;
     * all earlier → the last entry); 0 when the queue is empty.
     */
    long offsetByTimestamp(String topic, int queueId, long timestamp);

    /** Store time of the message at the queue's min offset, -1 if none. */
    long earliestMessageStoreTime(String topic, int queueId);

    /** Store time of the message at {@code queueOffset}, -1 if not stored. */
    long storeTimeOf(String topic, int queueId, long queueOffset);

    /** The record starting at {@code physicalOffset} (a heap copy), if one is stored there. */
    Optional<MessageSlice> lookMessageByPhysicalOffset(long physicalOffset);

    /** The record named by an offset msgId (docs/protocol.md §4.6); empty if malformed or absent. */
    Optional<MessageSlice> lookMessageByOffsetMsgId(String offsetMsgId);

    /**
     * Messages of {@code topic} whose KEYS contain {@code key} or whose UNIQ_KEY equals it, stored in
     * {@code [beginTime, endTime]}, newest first, at most {@code maxNum}.
     */
    QueryResult queryByKey(String topic, String key, int maxNum, long beginTime, long endTime);

    /** Next physical offset to be written. */
    long maxPhysicalOffset();

    /** First physical offset still stored. */
    long minPhysicalOffset();

    /**
     * A retention pass now, on the store's scheduler thread, in which segments past their reserved time go
     * whatever the configured deletion hour (mqadmin deleteExpiredCommitLog). The disk thresholds and the
     * segments retention never deletes are as always. Completes with the number of segments deleted, or
     * exceptionally if the store is not running or the pass failed.
     */
    CompletableFuture<Integer> deleteExpiredSegmentsNow();

    /**
     * Replaces when segments expire and at which hours expired ones go (mqadmin updateBrokerConfig of
     * fileReservedTime, deleteWhen, diskMaxUsedSpaceRatio); the next retention pass follows it.
     */
    void retentionPolicy(RetentionPolicy policy);

    /** The retention rules the next pass follows. */
    RetentionPolicy retentionPolicy();

    /**
     * Drops, on the store's scheduler thread, the ConsumeQueue and index files that hold only entries below
     * the CommitLog's min offset (mqadmin cleanExpiredCQ). Retention already does this after every deletion,
     * so this finds work only when something interrupted that. A queue always keeps its last file, so its
     * offsets never go back. Completes exceptionally if the store is not running or the drop failed.
     */
    CompletableFuture<Void> dropExpiredQueueFilesNow();

    /**
     * Forgets a topic: its ConsumeQueues are deleted (CommitLog records stay until retention).
     *
     * @throws IllegalArgumentException if {@code topic} is not a single safe file name (empty, ".", "..",
     *                                  or containing '/', '\\' or NUL); nothing is deleted then
     */
    void deleteTopic(String topic);

    /** Topics with at least one ConsumeQueue. */
    Set<String> topics();

    /** Queue ids of a topic that have a ConsumeQueue. */
    Set<Integer> queueIds(String topic);

    StoreStats stats();

    /**
     * The store's background loops, latched fatal conditions (a failed sync, a record the dispatcher
     * cannot pass), operator problems and the disk-full write gate; the broker's liveness check asks
     * {@link StoreHealth#notLiveReason} of it.
     */
    StoreHealth health();

    /** Registers a listener told of every message dispatched to a ConsumeQueue from now on. */
    void addArrivalListener(MessageArrivalListener listener);

    /**
     * Replication, master side: a heap copy of up to {@code maxBytes} raw CommitLog bytes starting at
     * {@code fromPhysicalOffset}, never crossing a segment end nor the written end. Empty when there is
     * nothing at that offset yet.
     *
     * @throws IllegalArgumentException if the offset is below {@link #minPhysicalOffset()}
     */
    ByteBuffer readCommitLog(long fromPhysicalOffset, int maxBytes);

    /**
     * Replication, replica side: appends raw bytes read from a master's {@link #readCommitLog}. The
     * bytes may end in the middle of a record; records are dispatched once complete. The bytes are
     * copied: nothing keeps {@code data} once this returns, so the caller may reuse its buffer.
     *
     * @return the new {@link #maxPhysicalOffset()}
     * Every complete record is checked (magic, size, body CRC, its own PHYSICALOFFSET field, segment fit)
     * before anything is written; an empty replica starts at {@code physicalOffset} if it is a segment start.
     *
     * @throws IllegalArgumentException if {@code physicalOffset != maxPhysicalOffset()} (the replica must
     *                                  reconnect from its own max offset)
     * @throws io.rocketkube.store.commitlog.InvalidReplicatedDataException if a record is invalid; nothing
     *                                  of {@code data} was written
     */
    long appendReplicated(long physicalOffset, ByteBuffer data);

    /**
     * Replication, replica side: drops every byte at and after {@code end} from the CommitLog, the
     * ConsumeQueues and the index, because the master no longer has them (it came back from an older copy of
     * its data). Readers never see those records again; replication then continues from {@code end}.
     *
     * @return bytes dropped (0 if the log ends at or before {@code end})
     * @throws IllegalArgumentException if {@code end} is below {@link #minPhysicalOffset()}
     */
    default long truncateReplicated(long end) {
        throw new UnsupportedOperationException("this store cannot be cut back");
    }

    /**
     * Replication, replica side: the start of every {@code stride}-th record of the CommitLog from {@code from}
     * (which must start a record; the first is included) up to {@code to}, stopping at the end of
     * {@code from}'s segment; what a replica walks to find where it stops agreeing with its master.
     */
    default long[] recordStarts(long from, long to, int stride) {
        throw new UnsupportedOperationException("this store cannot list its records");
    }

    /** Makes everything appended so far durable, with the indexes and the checkpoint. */
    void flush();

    /** Clean shutdown: stops the services, flushes, writes the checkpoint, removes the abort marker. */
    @Override
    void close();
}
