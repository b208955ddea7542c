package io.rocketkube.broker.transaction;

import io.rocketkube.broker.settings.TransactionSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check-back (docs/protocol.md §5.9 step 3): one round every {@code transactionCheckInterval} walks the
 * half queue from its persisted progress ({@link CheckProgress}) to the end it had when the round began.
 *
 * <p>Per half, in queue order:
 * <ul>
 *   <li>its chain is settled ({@link TransactionLedger}) → passed; being settled right now → the round stops
 *       here and comes back next round (a failed settlement reopens the chain);</li>
 *   <li>younger (since the producer made it) than {@code transactionTimeOut}, or than its
 *       {@code CHECK_IMMUNITY_TIME_IN_SECONDS} → the round stops here (later halves are younger); a half only
 *       held back by a longer immunity is re-appended unchanged instead, so it does not hold up the queue (a
 *       shorter immunity makes it due sooner, as in RocketMQ);</li>
 *   <li>checked {@code transactionCheckMax} times → discarded to {@code TRANS_CHECK_MAX_TIME_TOPIC} and settled
 *       with an op record;</li>
 *   <li>otherwise → re-appended with {@code TRANSACTION_CHECK_TIMES} + 1 and CHECK_TRANSACTION_STATE sent for the
 *       copy to a live producer of its group (4.9's way: the copy carries the check count, so the progress
 *       can pass the original). The copy lies past the round's end, so it is checked again next round, one
 *       interval later.</li>
 * </ul>
 * The progress is written after the round. Everything it stands for is in the CommitLog before it, so after a
 * crash the next start either finds the newer progress or rescans from the older one (and then re-appends some
 * halves twice: both copies belong to one chain, which is settled once).
 *
 * <p>Runs on its own thread (the puts may wait for a flush); not thread-safe, one round at a time.
 */
final class TransactionCheckService {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCheckService.class);
    private static final int READ_BATCH = 64;
    private static final int READ_BYTES = 1 << 20;

    private final TransactionSettings settings;
    private final MessageStore store;
    private final TransactionLedger ledger;
    private final OpLog opLog;
    private final CheckBackSender sender;
    private final CheckProgress progressFile;
    private final TopicConfigManager topics;
    private final TransactionMetrics metrics;
    private final Clock clock;
    private volatile long progress;

    TransactionCheckService(
            TransactionSettings settings,
            MessageStore store,
            TransactionLedger ledger,
            OpLog opLog,
            CheckBackSender sender,
            CheckProgress progressFile,
            TopicConfigManager topics,
            TransactionMetrics metrics,
            Clock clock) {
        this.settings = settings;
        this.store = store;
        this.ledger = ledger;
        this.opLog = opLog;
        this.sender = sender;
        this.progressFile = progressFile;
        this.topics = topics;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * At start, after the op queue was replayed into the ledger: loads the progress and finds the chains with a
     * live copy above it, so the ledger's floor does not pass them.
     */
    void recover() throws IOException {
        long min = store.minOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID);
        long max = store.maxOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID);
        // A progress past the end means the tail of the half queue was lost with the machine; start at the end.
        progress = Math.min(Math.max(progressFile.read().orElse(min), min), max);
        walk(progress, max, half -> {
            long origin = HalfMessage.origin(half);
            if (origin != half.queueOffset() && ledger.isOpen(origin)) {
                ledger.copied(origin, half.queueOffset());
            }
            return true;
        });
        ledger.advanceFloor(progress);
        LOG.info(
                "transaction check resumes at half offset {} of {}; {} chains with check-back copies open",
                progress,
                max,
                ledger.liveCopies());
    }

    /** One round (see the class comment). */
    void round() {
        long end = store.maxOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID);
        long from = Math.max(progress, store.minOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID));
        long now = clock.millis();
        long reached = walk(from, end, half -> examine(half, now));
        if (reached != progress) {
            try {
                progressFile.write(reached);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot persist the transaction check progress", e);
            } finally {
                // Even unpersisted, the work is done: a restart redoes it from the older value, harmlessly.
                progress = reached;
            }
        }
        ledger.advanceFloor(progress);
    }

    long progress() {
        return progress;
    }

    private interface Visitor {
        /** False stops the walk before this half. */
        boolean visit(MessageRecord half);
    }

    /** Visits halves in {@code [from, end)} in order; returns the offset of the first one not passed. */
    private long walk(long from, long end, Visitor visitor) {
        long offset = from;
        while (offset < end) {
            try (GetResult batch =
                    store.get(HalfMessage.TOPIC, HalfMessage.QUEUE_ID, offset, READ_BATCH, READ_BYTES, null)) {
                if (batch.messageCount() == 0) {
                    if (batch.nextBeginOffset() <= offset) {
                        return offset;
                    }
                    offset = Math.min(batch.nextBeginOffset(), end);
                    continue;
                }
                for (MessageSlice slice : batch.messages()) {
                    MessageRecord half = OpLog.decode(slice);
                    if (half == null) {
                        LOG.error(
                                "undecodable record at {} in the half queue; check stops at offset {}",
                                slice.physicalOffset(),
                                offset);
                        return offset;
                    }
                    if (half.queueOffset() >= end || !visitor.visit(half)) {
                        return offset;
                    }
                    offset = half.queueOffset() + 1;
                }
            }
        }
        return offset;
    }

    private boolean examine(MessageRecord half, long now) {
        long origin = HalfMessage.origin(half);
        if (ledger.isPending(origin)) {
            // Being settled now; if that write fails the chain is open again and must not be left behind.
            return false;
        }
        if (!ledger.isOpen(origin)) {
            return true;
        }
        HalfRecords.RealDestination real = HalfRecords.realDestination(half);
        if (real == null) {
            LOG.warn("half {} has no valid REAL_TOPIC/REAL_QID; passed over", half.queueOffset());
            return true;
        }
        int checks = HalfMessage.checkTimes(half);
        // Copies keep the born timestamp, so only a producer's own TRANSACTION_CHECK_TIMES can bring a young half
        // here with checks > 0: it still waits out its timeout, the producer may not have decided yet.
        long age = now - half.bornTimestamp();
        long timeout = settings.timeout().toMillis();
        long due = HalfMessage.firstCheckAgeMillis(half, timeout);
        if (age < due) {
            // Held only by its own longer immunity: park it again further on so the queue moves.
            return age >= timeout && append(HalfRecords.copy(half, origin, checks), origin) != null;
        }
        if (checks >= settings.checkMax()) {
            return discard(half, origin);
        }
        MessageRecord copy = append(HalfRecords.copy(half, origin, checks + 1), origin);
        if (copy == null) {
            return false;
        }
        if (sender.send(copy, real)) {
            metrics.checksSent.increment();
        } else {
            metrics.checksWithoutProducer.increment();
        }
        return true;
    }

    /** Appends a copy of a chain to the half queue; the copy as stored, or null if the store refused it. */
    private MessageRecord append(MessageRecordRequest copy, long origin) {
        PutResult put = store.put(copy).join();
        if (!put.status().isStored()) {
            LOG.warn("check-back copy of chain {} not stored ({}); retried next round", origin, put.status());
            return null;
        }
        ledger.copied(origin, put.firstQueueOffset());
        return store.lookMessageByPhysicalOffset(put.firstPhysicalOffset())
                .map(OpLog::decode)
                .orElse(null);
    }

    private boolean discard(MessageRecord half, long origin) {
        if (ledger.claim(origin) != null) {
            return true;
        }
        topics.createIfAbsent(TopicNames.TRANS_CHECK_MAX_TIME_TOPIC, 1, PermName.READ_WRITE);
        PutResult put = store.put(HalfRecords.discarded(half)).join();
        if (!put.status().isStored()) {
            ledger.release(origin);
            LOG.warn("discarding chain {} failed ({}); retried next round", origin, put.status());
            return false;
        }
        PutResult op = opLog.record(half.queueOffset(), origin, clock.millis()).join();
        if (!op.status().isStored()) {
            LOG.warn(
                    "op record of discarded chain {} not stored ({}); a restart discards it again",
                    origin,
                    op.status());
        }
        ledger.settle(origin, TransactionLedger.Outcome.DISCARDED);
        metrics.discards.increment();
        LOG.info(
                "half {} (chain {}, producer group {}) discarded after {} checks",
                half.queueOffset(),
                origin,
                half.property(io.rocketkube.client.message.MessageProperties.PRODUCER_GROUP),
                settings.checkMax());
        return true;
    }
}
