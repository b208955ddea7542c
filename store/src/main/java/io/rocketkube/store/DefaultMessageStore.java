package io.rocketkube.store;

import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.store.commitlog.AppendResult;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.commitlog.WritePath;
import io.rocketkube.store.commitlog.EncodedBatch;
import io.rocketkube.store.commitlog.FlushService;
import io.rocketkube.store.commitlog.RecordBatchEncoder;
import io.rocketkube.store.dispatch.DispatchRequest;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueue;
import io.rocketkube.store.queue.ConsumeQueueSet;
import io.rocketkube.store.read.StoreReader;
import io.rocketkube.store.recovery.AbortMarker;
import io.rocketkube.store.recovery.Checkpoint;
import io.rocketkube.store.recovery.Recovery;
import io.rocketkube.store.retention.RetentionService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the store: opens the files, runs {@link Recovery}, wires the CommitLog,
 * ConsumeQueues, index, dispatcher, flush, checkpoint and retention services, and routes each
 * {@link MessageStore} call to the one collaborator that does it.
 *
 * <p>Directory layout under {@link StoreConfig#dataDir()}:
 * <pre>
 * commitlog/&lt;20-digit offset&gt;              CommitLog segments
 * consumequeue/&lt;topic&gt;/&lt;queueId&gt;/&lt;20-digit byte offset&gt;
 * index/&lt;20-digit offset&gt;.idx                 IndexFiles
 * checkpoint                                  {@link Checkpoint}
 * abort                                       {@link AbortMarker}: present while open
 * lock                                        held (flock) while open, so one process owns the directory
 * </pre>
 */
public final class DefaultMessageStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMessageStore.class);

    private final StoreConfig config;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final Dispatcher dispatcher;
    private final FlushService flushService;
    private final RecordBatchEncoder encoder;
    private final StoreReader reader;
    private final Checkpoint checkpoint;
    private final AbortMarker abortMarker;
    private final RetentionService retention;
    private final ScheduledExecutorService scheduler;
    private final Recovery.Outcome recovery;
    private final LongAdder putCount = new LongAdder();
    private final LongAdder putBytes = new LongAdder();
    private volatile boolean closed;
    /** Appends between their closed check and their return; close() waits for them to drain. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private long lastCheckpointOffset = -1;

    private DefaultMessageStore(StoreConfig config, TagsCodeResolver resolver) {
        this.config = config;
        Path dir = config.dataDir();
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                lockChannel.close();
                throw new IllegalStateException("store directory " + dir + " is in use by another store");
            }
            lock = l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock store directory " + dir, e);
        }
        ConcurrentLinkedQueue<DispatchRequest> hints = new ConcurrentLinkedQueue<>();
        this.commitLog = new CommitLog(dir.resolve("commitlog"), config.commitLogSegmentSize(), config.clock(), hints::offer,
                config.flushMode() == FlushMode.SYNC_FLUSH ? WritePath.CHANNEL : WritePath.MAPPING);
        this.queues = ConsumeQueueSet.open(dir.resolve("consumequeue"), config.consumeQueueEntriesPerFile());
        this.index = IndexService.open(dir.resolve("index"), config.indexSlots(), config.indexMaxEntries());
        this.dispatcher = new Dispatcher(commitLog, hints, queues, index, resolver, config.maxMessageSize());
        this.checkpoint = new Checkpoint(dir.resolve("checkpoint"));
        this.abortMarker = new AbortMarker(dir.resolve("abort"));
        this.encoder = new RecordBatchEncoder(config.storeHost(), config.maxMessageSize(),
                config.commitLogSegmentSize() - io.rocketkube.client.message.StoredMessageLayout.BLANK_LENGTH);
        this.reader = new StoreReader(commitLog, queues, index, config.maxMessageSize());
        this.flushService = new FlushService(commitLog, config.flushMode(), config.flushInterval(), config.flushLeastPages(),
                config.flushThoroughInterval(), config.syncFlushTimeout(), config.clock());
        this.retention = new RetentionService(commitLog, queues, index, dispatcher, config.clock(), config.fileReservedHours(),
                config.deleteWhenHour(), config.diskUsageThresholdPercent(), this::diskUsage);

        this.recovery = new Recovery(commitLog, queues, index, dispatcher, checkpoint, config.maxMessageSize(), config.clock())
                .run(abortMarker.exists());
        abortMarker.create();
        dispatcher.start();
        flushService.start();
        if (config.prefaultLeadBytes() > 0) {
            commitLog.startPrefault(config.prefaultLeadBytes());
        }
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-scheduler");
            t.setDaemon(true);
            return t;
        });
        long cp = config.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, cp, cp, TimeUnit.MILLISECONDS);
        long rt = config.retentionCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::retentionQuietly, rt, rt, TimeUnit.MILLISECONDS);
    }

    /** Opens (recovering if needed) the store in {@code config.dataDir()}, tags codes by TAGS hash. */
    public static DefaultMessageStore open(StoreConfig config) {
        return open(config, TagsCodeResolver.TAGS_HASH);
    }

    /**
     * Opens the store.
     *
     * @param resolver computes tags codes for records dispatched without a put request (recovery, replicas)
     * @throws IllegalStateException if another store holds the directory
     */
    public static DefaultMessageStore open(StoreConfig config, TagsCodeResolver resolver) {
        return new DefaultMessageStore(config, resolver);
    }

    /** What recovery did at open. */
    public Recovery.Outcome recoveryOutcome() {
        return recovery;
    }

    public StoreConfig config() {
        return config;
    }

    @Override
    public CompletableFuture<PutResult> put(MessageRecordRequest request) {
        return putBatch(List.of(request));
    }

    @Override
    public CompletableFuture<PutResult> putBatch(List<MessageRecordRequest> requests) {
        inFlight.incrementAndGet();
        try {
            if (closed) {
                return CompletableFuture.completedFuture(PutResult.refused(PutStatus.SERVICE_NOT_AVAILABLE, "store is closed"));
            }
            return append(requests);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public CompletableFuture<PutResult> tryPutBatchWithoutBlocking(List<MessageRecordRequest> requests) {
        inFlight.incrementAndGet();
        try {
            if (closed) {
                return CompletableFuture.completedFuture(PutResult.refused(PutStatus.SERVICE_NOT_AVAILABLE, "store is closed"));
            }
            return append(requests, false);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private CompletableFuture<PutResult> append(List<MessageRecordRequest> requests) {
        return append(requests, true);
    }

    /** Null only when {@code mayBlock} is false and the append would have to wait. */
    private CompletableFuture<PutResult> append(List<MessageRecordRequest> requests, boolean mayBlock) {
        EncodedBatch batch;
        try {
            batch = encoder.encode(requests);
        } catch (RecordBatchEncoder.Refusal r) {
            return CompletableFuture.completedFuture(PutResult.refused(r.status(), r.getMessage()));
        }
        AppendResult a;
        try {
            a = mayBlock ? commitLog.append(batch) : commitLog.tryAppend(batch);
            if (a == null) {
                return null;
            }
        } catch (RuntimeException e) {
            LOG.error("append failed", e);
            return CompletableFuture.completedFuture(PutResult.refused(PutStatus.SERVICE_NOT_AVAILABLE, "append failed: " + e.getMessage()));
        }
        putCount.add(batch.count());
        putBytes.add(a.wroteBytes());
        PutResult ok = PutResult.stored(PutStatus.PUT_OK, a.physicalOffsets(), a.queueOffsets(), a.wroteBytes(), a.storeTimestamp());
        if (config.flushMode() == FlushMode.SYNC_FLUSH && requests.get(0).waitStoreMsgOk()) {
            return flushService.awaitDurable(a.end(), ok);
        }
        return CompletableFuture.completedFuture(ok);
    }

    @Override
    public GetResult get(String topic, int queueId, long offset, int maxCount, int maxBytes, MessageFilter filter) {
        return reader.get(topic, queueId, offset, maxCount, maxBytes, filter == null ? MessageFilter.ALL : filter);
    }

    @Override
    public long minOffset(String topic, int queueId) {
        ConsumeQueue q = queues.find(topic, queueId);
        return q == null ? 0 : q.minOffset();
    }

    @Override
    public long maxOffset(String topic, int queueId) {
        ConsumeQueue q = queues.find(topic, queueId);
        return q == null ? 0 : q.maxOffset();
    }

    @Override
    public long offsetByTimestamp(String topic, int queueId, long timestamp) {
        return reader.offsetByTimestamp(topic, queueId, timestamp);
    }

    @Override
    public long earliestMessageStoreTime(String topic, int queueId) {
        return reader.earliestMessageStoreTime(topic, queueId);
    }

    @Override
    public long storeTimeOf(String topic, int queueId, long queueOffset) {
        return reader.storeTimeOf(topic, queueId, queueOffset);
    }

    @Override
    public Optional<MessageSlice> lookMessageByPhysicalOffset(long physicalOffset) {
        return reader.lookByPhysicalOffset(physicalOffset);
    }

    @Override
    public Optional<MessageSlice> lookMessageByOffsetMsgId(String offsetMsgId) {
        try {
            return reader.lookByPhysicalOffset(OffsetMsgId.decode(offsetMsgId).physicalOffset());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public QueryResult queryByKey(String topic, String key, int maxNum, long beginTime, long endTime) {
        return reader.queryByKey(topic, key, maxNum, beginTime, endTime);
    }

    @Override
    public long maxPhysicalOffset() {
        return commitLog.writtenOffset();
    }

    @Override
    public long minPhysicalOffset() {
        return commitLog.minOffset();
    }

    @Override
    public void deleteTopic(String topic) {
        queues.deleteTopic(topic);
        commitLog.forgetTopic(topic);
    }

    @Override
    public Set<String> topics() {
        return queues.topics();
    }

    @Override
    public Set<Integer> queueIds(String topic) {
        return queues.queueIds(topic);
    }

    @Override
    public StoreStats stats() {
        long min = commitLog.minOffset();
        return new StoreStats(putCount.sum(), putBytes.sum(), reader.foundCount(), reader.missCount(),
                Math.max(0, commitLog.writtenOffset() - dispatcher.dispatchedOffset()), min, commitLog.writtenOffset(),
                commitLog.flushedOffset(), reader.storeTimeAt(min));
    }

    @Override
    public void addArrivalListener(MessageArrivalListener listener) {
        dispatcher.addListener(listener);
    }

    @Override
    public ByteBuffer readCommitLog(long fromPhysicalOffset, int maxBytes) {
        if (fromPhysicalOffset < commitLog.minOffset()) {
            throw new IllegalArgumentException("offset " + fromPhysicalOffset + " is below the first stored offset " + commitLog.minOffset());
        }
        return commitLog.copy(fromPhysicalOffset, maxBytes);
    }

    @Override
    public long appendReplicated(long physicalOffset, ByteBuffer data) {
        inFlight.incrementAndGet();
        try {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            return commitLog.appendRaw(physicalOffset, data);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void flush() {
        commitLog.flush();
        awaitDispatch(commitLog.writtenOffset());
        writeCheckpoint();
    }

    /** Runs one retention pass now (the scheduler also runs them); returns segments deleted. */
    public int runRetention() {
        return retention.runOnce();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // An append that passed its closed check before we set it must land before the final
        // checkpoint, or the clean restart (which trusts the checkpoint) would drop an acknowledged message.
        while (inFlight.get() > 0) {
            LockSupport.parkNanos(100_000);
        }
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushService.stop();
        dispatcher.stop();
        commitLog.flush();
        writeCheckpoint();
        boolean complete = dispatcher.dispatchedOffset() >= commitLog.writtenOffset();
        index.close();
        queues.close();
        commitLog.close();
        if (complete) {
            abortMarker.remove();
        } else {
            LOG.warn("closing with undispatched bytes after {}; the next open will scan from there", dispatcher.dispatchedOffset());
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release the store lock", e);
        }
        LOG.info("store closed cleanly at offset {}", commitLog.writtenOffset());
    }

    private void awaitDispatch(long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dispatcher.dispatchedOffset() < target && System.nanoTime() < deadline) {
            dispatcher.wakeUp();
            LockSupport.parkNanos(100_000);
        }
    }

    private synchronized void writeCheckpoint() {
        long dispatched = dispatcher.dispatchedOffset();
        queues.flushAll();
        index.flush();
        long safe = Math.min(dispatched, commitLog.flushedOffset());
        if (safe != lastCheckpointOffset) {
            checkpoint.write(new Checkpoint.Values(safe, commitLog.minOffset(), config.clock().millis()));
            lastCheckpointOffset = safe;
        }
    }

    private void checkpointQuietly() {
        try {
            writeCheckpoint();
        } catch (RuntimeException e) {
            LOG.error("checkpoint failed", e);
        }
    }

    private void retentionQuietly() {
        try {
            retention.runOnce();
        } catch (RuntimeException e) {
            LOG.error("retention failed", e);
        }
    }

    private double diskUsage() {
        try {
            FileStore fs = Files.getFileStore(config.dataDir());
            long total = fs.getTotalSpace();
            return total <= 0 ? 0 : (double) (total - fs.getUsableSpace()) / total;
        } catch (IOException e) {
            return 0;
        }
    }
}
