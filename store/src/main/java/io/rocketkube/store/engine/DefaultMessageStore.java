package io.rocketkube.store.engine;

import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.store.ConsumeQueueEntry;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageArrivalListener;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.QueryResult;
import io.rocketkube.store.RetentionPolicy;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.StoreHealth;
import io.rocketkube.store.StoreStats;
import io.rocketkube.store.TagsCodeResolver;
import io.rocketkube.store.commitlog.AppendResult;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.commitlog.DispatchRequest;
import io.rocketkube.store.commitlog.EncodedBatch;
import io.rocketkube.store.commitlog.FlushService;
import io.rocketkube.store.commitlog.RecordBatchEncoder;
import io.rocketkube.store.commitlog.WritePath;
import io.rocketkube.store.dispatch.Dispatcher;
import io.rocketkube.store.health.HealthState;
import io.rocketkube.store.health.LoopMonitor;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueue;
import io.rocketkube.store.queue.ConsumeQueueSet;
import io.rocketkube.store.read.StoreReader;
import io.rocketkube.store.recovery.AbortMarker;
import io.rocketkube.store.recovery.Checkpoint;
import io.rocketkube.store.recovery.CrashPoint;
import io.rocketkube.store.recovery.Recovery;
import io.rocketkube.store.retention.RetentionService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
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
 * abort                                       {@link AbortMarker}: present while open, and while recovery repairs
 * quarantine/&lt;time&gt;/                          data recovery set aside instead of deleting ({@code recovery.Quarantine})
 * lock                                        held (flock) while open, so one process owns the directory
 * </pre>
 *
 * <p><b>Lifecycle</b>, the shape of every composition root: {@link #open} locks the directory, opens the files
 * and recovers, and starts no thread; {@link #start()} starts the dispatcher, flush service, prefaulter and
 * scheduler, once (a second call is refused); {@link #close()} stops them in reverse and is idempotent, and a
 * store that was never started closes just as cleanly (its checkpoint then vouches for what recovery found).
 *
 * <p><b>Why this class is large</b> (about 750 lines): the order of open (lock, abort marker, files,
 * recovery), of start (threads), of close (drain appends, flush, fence the dispatcher, checkpoint, marker) and the
 * gates every append passes (closed, latched sync failure, disk ratio) are what makes a crash at any
 * point recoverable; they are kept side by side so that the order can be read and checked in one place.
 * Everything else is delegated: each request goes to the one collaborator that does it.
 */
public final class DefaultMessageStore implements MessageStore {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultMessageStore.class);
    /** Scheduler heartbeat period; far below any sensible stuck threshold. */
    private static final long SCHEDULER_BEAT_MILLIS = 1000;

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
    private final HealthState health;
    private final CrashPoint.Hook hook;
    private final LoopMonitor schedulerMonitor;
    private final LoopMonitor checkpointMonitor;
    private final LoopMonitor retentionMonitor;
    private final DiskSpaceGate diskGate;
    private final ReplicaLog replicaLog;
    /** Why an index or checkpoint sync failed (fatal, like a CommitLog sync); null while healthy. */
    private volatile String indexFatalReason;

    private final LongAdder putCount = new LongAdder();
    private final LongAdder putBytes = new LongAdder();
    /** Set once by {@link #start()}; appends are refused before it (and after close). */
    private volatile boolean started;

    private volatile boolean closed;
    /** Appends between their closed check and their return; close() waits for them to drain. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    private long lastCheckpointOffset = -1;
    /** Open: corrupt index files were discarded, so this open must scan even after a clean shutdown. */
    private boolean reindexOwed;

    private DefaultMessageStore(
            StoreConfig config, TagsCodeResolver resolver, CrashPoint.Hook hook, Duration stopTimeout) {
        this.config = config;
        this.hook = hook;
        this.health = new HealthState(config.clock());
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
        this.diskGate = new DiskSpaceGate(dir, config.diskFullPercent(), System::nanoTime);
        try {
            this.checkpoint = new Checkpoint(dir.resolve("checkpoint"));
            this.abortMarker = new AbortMarker(dir.resolve("abort"));
            // The marker goes down before anything is opened or repaired: a crash in the middle of a
            // repair (even one started without a crash, e.g. for a corrupt index file) must make the
            // next open repair again rather than trust a checkpoint and half-cut indexes.
            boolean crashed = abortMarker.exists();
            abortMarker.create();
            hook.reach(CrashPoint.OPEN_AFTER_MARKER);
            ConcurrentLinkedQueue<DispatchRequest> hints = new ConcurrentLinkedQueue<>();
            this.commitLog = new CommitLog(
                    dir.resolve("commitlog"),
                    config.commitLogSegmentSize(),
                    config.clock(),
                    hints::offer,
                    config.flushMode() == FlushMode.SYNC_FLUSH ? WritePath.CHANNEL : WritePath.MAPPING,
                    config.fileSync());
            this.queues = ConsumeQueueSet.open(
                    dir.resolve("consumequeue"), config.consumeQueueEntriesPerFile(), config.fileSync());
            this.index = IndexService.open(
                    dir.resolve("index"),
                    config.indexSlots(),
                    config.indexMaxEntries(),
                    config.fileSync(),
                    this::lowerCheckpointTo);
            // Under SYNC_FLUSH nothing is dispatched (visible to readers) before it is durable.
            this.dispatcher = new Dispatcher(
                    commitLog,
                    hints,
                    queues,
                    index,
                    resolver,
                    config.maxMessageSize(),
                    config.flushMode() == FlushMode.SYNC_FLUSH ? commitLog::flushedOffset : commitLog::writtenOffset,
                    health,
                    stopTimeout);
            this.encoder = new RecordBatchEncoder(
                    config.storeHost(),
                    config.maxMessageSize(),
                    config.commitLogSegmentSize() - io.rocketkube.client.message.StoredMessageLayout.BLANK_LENGTH);
            this.reader = new StoreReader(commitLog, queues, index, config.maxMessageSize());
            this.flushService = new FlushService(
                    commitLog,
                    config.flushMode(),
                    config.flushInterval(),
                    config.flushLeastPages(),
                    config.flushThoroughInterval(),
                    config.syncFlushTimeout(),
                    config.clock());
            flushService.monitorWith(health.loop("store-flush", true));
            this.retention = new RetentionService(
                    commitLog,
                    queues,
                    index,
                    dispatcher,
                    config.clock(),
                    new RetentionPolicy(
                            config.fileReservedHours(),
                            Set.of(config.deleteWhenHour()),
                            config.diskCleanExpiredPercent()),
                    config.diskCleanForciblyPercent(),
                    diskGate::measure);

            this.recovery = new Recovery(
                            commitLog,
                            queues,
                            index,
                            dispatcher,
                            checkpoint,
                            config.maxMessageSize(),
                            config.clock(),
                            dir.resolve("quarantine"),
                            hook)
                    .run(crashed || reindexOwed);
            recovery.quarantined()
                    .ifPresent(q -> health.reportProblem("recovery moved commit log data past offset " + recovery.end()
                            + " to " + q + "; inspect it (see REASON there)"));
            hook.reach(CrashPoint.OPEN_AFTER_RECOVERY);
            this.replicaLog = new ReplicaLog(
                    commitLog, queues, index, dispatcher, checkpoint, config.clock(), this, config.maxMessageSize());
            // An executor starts its thread at the first task, so building it here starts nothing.
            this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("store-scheduler"));
        } catch (RuntimeException | Error e) {
            // A failed open must not keep the directory locked: the caller (or a test simulating a
            // crash here) has to be able to open it again in this process.
            releaseLock();
            throw e;
        }
        this.schedulerMonitor = health.loop("store-scheduler", true);
        this.checkpointMonitor = health.loop("store-checkpoint", false);
        this.retentionMonitor = health.loop("store-retention", false);
    }

    /**
     * Starts the store's threads: the dispatcher, the flush service, the prefaulter (if configured) and the
     * scheduler of checkpoints, retention and its heartbeat. {@link #open} only recovers; until this runs,
     * appends are refused (nothing would dispatch or flush them) while reads see what recovery found.
     *
     * @return this store, so that {@code open(config).start()} reads as one step
     * @throws IllegalStateException if the store was already started, or closed
     */
    @Override
    public synchronized DefaultMessageStore start() {
        if (started || closed) {
            throw new IllegalStateException(closed ? "store is closed" : "store already started");
        }
        dispatcher.start();
        flushService.start();
        if (config.prefaultLeadBytes() > 0) {
            commitLog.startPrefault(config.prefaultLeadBytes(), health.loop("store-prefault", false));
        }
        long cp = config.checkpointInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::checkpointQuietly, cp, cp, TimeUnit.MILLISECONDS);
        long rt = config.retentionCheckInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::retentionQuietly, rt, rt, TimeUnit.MILLISECONDS);
        // The heartbeat shows that the single scheduler thread is not stuck in a long checkpoint or
        // retention pass (their own monitors only count failures).
        scheduler.scheduleWithFixedDelay(this::schedulerBeat, 0, SCHEDULER_BEAT_MILLIS, TimeUnit.MILLISECONDS);
        started = true;
        return this;
    }

    /**
     * Opens (recovering if needed) the store in {@code config.dataDir()}, tags codes by TAGS hash. Starts no
     * thread: call {@link #start()} to serve appends, {@link #close()} in any case.
     */
    public static DefaultMessageStore open(StoreConfig config) {
        return open(config, TagsCodeResolver.TAGS_HASH);
    }

    /**
     * Opens the store (locks the directory, recovers); starts no thread, see {@link #start()}.
     *
     * @param resolver computes tags codes for records dispatched without a put request (recovery, replicas)
     * @throws IllegalStateException if another store holds the directory
     */
    public static DefaultMessageStore open(StoreConfig config, TagsCodeResolver resolver) {
        return new DefaultMessageStore(config, resolver, CrashPoint.Hook.NONE, Duration.ofSeconds(30));
    }

    /** Tests: a hook at each {@link CrashPoint}, and how long close waits for the dispatcher thread. */
    static DefaultMessageStore open(StoreConfig config, CrashPoint.Hook hook, Duration dispatcherStopTimeout) {
        return new DefaultMessageStore(config, TagsCodeResolver.TAGS_HASH, hook, dispatcherStopTimeout);
    }

    @Override
    public StoreHealth health() {
        // Sync failures are latched where they happen (CommitLog, index); mirror them into the registry.
        fatalReason().ifPresent(health::latchFatal);
        return health.snapshot(diskGate.isFull(), diskGate.usedRatio());
    }

    /** Where components latch fatal reasons and report problems (see {@link StoreHealth}). */
    public HealthState healthState() {
        return health;
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
        return admitAndAppend(requests, true);
    }

    @Override
    public CompletableFuture<PutResult> tryPutBatchWithoutBlocking(List<MessageRecordRequest> requests) {
        return admitAndAppend(requests, false);
    }

    /** Every append passes the same gates (closed, a latched sync failure, the disk-use ratio) first. */
    private CompletableFuture<PutResult> admitAndAppend(List<MessageRecordRequest> requests, boolean mayBlock) {
        inFlight.incrementAndGet();
        try {
            if (closed || !started) {
                return CompletableFuture.completedFuture(PutResult.refused(
                        PutStatus.SERVICE_NOT_AVAILABLE, closed ? "store is closed" : "store is not started"));
            }
            Optional<String> fatal = fatalReason();
            if (fatal.isPresent()) {
                return CompletableFuture.completedFuture(PutResult.refused(
                        PutStatus.SERVICE_NOT_AVAILABLE, "store failed, no longer accepting writes: " + fatal.get()));
            }
            if (diskGate.isFull()) {
                return CompletableFuture.completedFuture(PutResult.refused(PutStatus.DISK_FULL, diskGate.refusal()));
            }
            return append(requests, mayBlock);
        } finally {
            inFlight.decrementAndGet();
        }
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
            String cause = e.getCause() == null ? "" : ": " + e.getCause().getMessage();
            return CompletableFuture.completedFuture(
                    PutResult.refused(PutStatus.SERVICE_NOT_AVAILABLE, "append failed: " + e.getMessage() + cause));
        }
        putCount.add(batch.count());
        putBytes.add(a.wroteBytes());
        PutResult ok = PutResult.stored(
                PutStatus.PUT_OK, a.physicalOffsets(), a.queueOffsets(), a.wroteBytes(), a.storeTimestamp());
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
    public List<ConsumeQueueEntry> consumeQueueEntries(String topic, int queueId, long queueOffset, int count) {
        return reader.entries(topic, queueId, queueOffset, count);
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

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the topic is not a safe directory name ({@code StorePaths});
     *                                  nothing is deleted then
     */
    @Override
    public void deleteTopic(String topic) {
        io.rocketkube.store.file.StorePaths.requireSafeName(topic);
        queues.deleteTopic(topic);
        commitLog.forgetTopic(topic);
    }

    @Override
    public CompletableFuture<Integer> deleteExpiredSegmentsNow() {
        return onScheduler(() -> retention.runOnce(true));
    }

    @Override
    public void retentionPolicy(RetentionPolicy policy) {
        retention.policy(policy);
    }

    @Override
    public RetentionPolicy retentionPolicy() {
        return retention.policy();
    }

    @Override
    public CompletableFuture<Void> dropExpiredQueueFilesNow() {
        return onScheduler(() -> {
            retention.dropExpiredQueueFiles();
            return null;
        });
    }

    /** On the scheduler thread, so an operator's request never runs beside a retention pass. */
    private <T> CompletableFuture<T> onScheduler(java.util.function.Supplier<T> work) {
        if (!started || closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("store is not running"));
        }
        try {
            return CompletableFuture.supplyAsync(work, scheduler);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("store is closing", e));
        }
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
        return new StoreStats(
                putCount.sum(),
                putBytes.sum(),
                reader.foundCount(),
                reader.missCount(),
                Math.max(0, commitLog.writtenOffset() - dispatcher.dispatchedOffset()),
                min,
                commitLog.writtenOffset(),
                commitLog.flushedOffset(),
                reader.storeTimeAt(min));
    }

    @Override
    public void addArrivalListener(MessageArrivalListener listener) {
        dispatcher.addListener(listener);
    }

    @Override
    public ByteBuffer readCommitLog(long fromPhysicalOffset, int maxBytes) {
        if (fromPhysicalOffset < commitLog.minOffset()) {
            throw new IllegalArgumentException(
                    "offset " + fromPhysicalOffset + " is below the first stored offset " + commitLog.minOffset());
        }
        return commitLog.copy(fromPhysicalOffset, maxBytes);
    }

    @Override
    public long appendReplicated(long physicalOffset, ByteBuffer data) {
        inFlight.incrementAndGet();
        try {
            requireServing();
            fatalReason().ifPresent(reason -> {
                throw new IllegalStateException("store failed, no longer accepting writes: " + reason);
            });
            return replicaLog.append(physicalOffset, data);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public long[] recordStarts(long from, long to, int stride) {
        inFlight.incrementAndGet();
        try {
            requireServing();
            return replicaLog.recordStarts(from, to, stride);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public long truncateReplicated(long end) {
        inFlight.incrementAndGet();
        try {
            requireServing();
            return replicaLog.truncate(end, this::writeCheckpoint);
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

    /**
     * Why the store can no longer make writes durable (the first failed sync of the CommitLog, a
     * ConsumeQueue or the index); latched, so empty means no sync has ever failed.
     */
    public Optional<String> fatalReason() {
        Optional<String> log = commitLog.fatalReason();
        return log.isPresent() ? log : Optional.ofNullable(indexFatalReason);
    }

    /** Runs one retention pass now (the scheduler also runs them); returns segments deleted. */
    public int runRetention() {
        return retention.runOnce();
    }

    @Override
    public void close() {
        // Only the flag under the monitor (against a concurrent start()): the scheduler's checkpoint task takes
        // it too, and close waits for that task below.
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
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
        // The reverse of start(): scheduler, prefaulter, flush service, dispatcher; then the files they touch.
        commitLog.stopPrefault();
        flushService.stop();
        // After a failed sync, neither flush nor checkpoint: the marker stays and the next open scans.
        boolean failed = fatalReason().isPresent();
        if (!failed) {
            try {
                // Flush before the dispatcher stops: under SYNC_FLUSH it dispatches only what is flushed.
                commitLog.flush();
            } catch (RuntimeException e) {
                LOG.error("final flush failed; the next open will recover", e);
                failed = true;
            }
        }
        boolean stopped = dispatcher.stop();
        // The dispatcher is fenced off now, so the queues and the index are final. "Complete" is taken
        // from the offset this checkpoint records, not from live offsets read afterwards: the next
        // open trusts exactly that value when it finds no marker.
        long safe = -1;
        if (!failed) {
            try {
                safe = writeCheckpoint();
            } catch (RuntimeException e) {
                // E.g. no space for the checkpoint: the next open scans from the last good one instead.
                LOG.error("final checkpoint failed; the next open will recover", e);
            }
        }
        hook.reach(CrashPoint.CLOSE_AFTER_CHECKPOINT);
        long written = commitLog.writtenOffset();
        index.close();
        queues.close();
        commitLog.close();
        health.closed();
        if (safe >= written) {
            abortMarker.remove();
        } else {
            LOG.warn(
                    "closing with the checkpoint at {} behind the written end {} (dispatcher stopped: {}); "
                            + "the next open will scan from the checkpoint",
                    safe,
                    written,
                    stopped);
        }
        releaseLock();
        LOG.info("store closed at offset {}", written);
    }

    /** The gate of the replication hooks: like appends, they need a started store that is not closed. */
    private void requireServing() {
        if (closed || !started) {
            throw new IllegalStateException(closed ? "store is closed" : "store is not started");
        }
    }

    private void releaseLock() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("cannot release the store lock", e);
        }
    }

    private void awaitDispatch(long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (dispatcher.dispatchedOffset() < target && System.nanoTime() < deadline) {
            dispatcher.wakeUp();
            LockSupport.parkNanos(100_000);
        }
    }

    /** Open: re-indexing from {@code offset} is owed; the checkpoint must not claim more than that. */
    private void lowerCheckpointTo(long offset) {
        reindexOwed = true;
        if (checkpoint.read() instanceof Checkpoint.ReadResult.Ok ok
                && ok.values().safeOffset() > offset) {
            checkpoint.write(new Checkpoint.Values(
                    offset, ok.values().commitLogMinOffset(), config.clock().millis()));
        }
    }

    /** Returns the safe offset the checkpoint now holds. */
    private synchronized long writeCheckpoint() {
        if (fatalReason().isPresent()) {
            return lastCheckpointOffset; // the checkpoint must never vouch for bytes a failed sync may have lost
        }
        long dispatched = dispatcher.dispatchedOffset();
        try {
            queues.flushAll();
            index.flush();
        } catch (java.io.UncheckedIOException e) {
            indexFatalReason = "sync of the consume queues or index failed: " + e.getCause();
            LOG.error("index sync failed; the store no longer accepts writes", e);
            throw e;
        }
        long safe = Math.min(dispatched, commitLog.flushedOffset());
        if (safe != lastCheckpointOffset) {
            checkpoint.write(new Checkpoint.Values(
                    safe, commitLog.minOffset(), config.clock().millis()));
            lastCheckpointOffset = safe;
        }
        return lastCheckpointOffset;
    }

    // Periodic tasks catch Throwable: a ScheduledExecutorService cancels a task for good after its
    // first uncaught exception, silently.
    private void checkpointQuietly() {
        try {
            writeCheckpoint();
            checkpointMonitor.beat();
        } catch (Throwable e) {
            checkpointMonitor.failed(e);
            LOG.error("checkpoint failed", e);
        }
    }

    private void retentionQuietly() {
        try {
            retention.runOnce();
            retentionMonitor.beat();
        } catch (Throwable e) {
            retentionMonitor.failed(e);
            LOG.error("retention failed", e);
        }
    }

    private void schedulerBeat() {
        schedulerMonitor.attach(Thread.currentThread());
        schedulerMonitor.beat();
    }
}
