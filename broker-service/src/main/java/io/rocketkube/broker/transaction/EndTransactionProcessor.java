package io.rocketkube.broker.transaction;

import io.netty.channel.Channel;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.QueryResult;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * END_TRANSACTION (37), docs/protocol.md §5.9 step 2. Oneway from the producer (the answer is dropped);
 * answered when asked, e.g. by a tool.
 *
 * <p>Everything is validated before anything is written: the header; that {@code commitLogOffset} names a
 * stored record that is a half of the half queue (a forged commit of an ordinary message, an offset in the
 * middle of a record, or past the end finds none); its producer group and queue offset; and that its chain
 * is still open. Refusals are SYSTEM_ERROR with a remark saying which check failed, as 4.9 answers them.
 *
 * <p>Commit writes the message to its real topic and queue, then the op record; rollback only the op record.
 * Neither waits for a slave under SYNC_MASTER, as in 4.9 (whose commit is stored with {@code WAIT} false): the
 * half was held when it was sent, and every official client sends this oneway, so a held answer would tell
 * no one anything (docs/replication.md).
 * The chain is claimed in the {@link TransactionLedger} first, so a second END_TRANSACTION (a duplicate, or the
 * answer to a check-back that crossed the first) is refused and the message is delivered once.
 *
 * <p><b>Crash between commit and op record.</b> The chain then looks open after the restart and is checked
 * back; the producer answers commit again. For chains that were open at start, the commit first looks the
 * message up by its UNIQ_KEY in the real topic (the index survives crashes) and, if a committed record of the
 * same chain is there, writes only the op record.
 */
public final class EndTransactionProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.END_TRANSACTION};
    private static final Logger LOG = LoggerFactory.getLogger(EndTransactionProcessor.class);
    private static final int DUPLICATE_LOOKUP_MAX = 32;

    private final BrokerSettings settings;
    private final MessageStore store;
    private final TransactionLedger ledger;
    private final OpLog opLog;
    private final TransactionMetrics metrics;
    private final Clock clock;
    /** Half queue offsets below this were written before this start: their commit may already exist. */
    private final long halfEndAtStart;

    EndTransactionProcessor(
            BrokerSettings settings,
            MessageStore store,
            TransactionLedger ledger,
            OpLog opLog,
            TransactionMetrics metrics,
            Clock clock,
            long halfEndAtStart) {
        this.settings = settings;
        this.store = store;
        this.ledger = ledger;
        this.opLog = opLog;
        this.metrics = metrics;
        this.clock = clock;
        this.halfEndAtStart = halfEndAtStart;
    }

    /** The request, validated. */
    private record End(
            String producerGroup, long tranStateTableOffset, long commitLogOffset, int type, boolean fromCheck) {}

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (!settings.isMaster()) {
            return answer(request, ResponseCode.SLAVE_NOT_AVAILABLE, "Can't do end transaction in slave role");
        }
        try {
            End end = parse(request);
            if (end.type() == MessageSysFlag.TRANSACTION_NOT_TYPE) {
                // UNKNOW: nothing to do, the check-back will ask again.
                return answer(request, ResponseCode.SUCCESS, null);
            }
            MessageRecord half = findHalf(end);
            HalfRecords.RealDestination real = HalfRecords.realDestination(half);
            if (real == null) {
                throw refuse("the half message at commitLogOffset " + end.commitLogOffset()
                        + " has no valid REAL_TOPIC/REAL_QID");
            }
            long origin = HalfMessage.origin(half);
            TransactionLedger.Outcome prior = ledger.claim(origin);
            if (prior != null) {
                throw refuse("the transaction of the half message at commitLogOffset " + end.commitLogOffset()
                        + " (queue offset " + half.queueOffset() + ") is already " + prior.words());
            }
            try {
                CompletableFuture<RemotingCommand> done = end.type() == MessageSysFlag.TRANSACTION_COMMIT_TYPE
                        ? commit(request, half, real, origin)
                        : rollback(request, half, origin);
                return done.whenComplete((r, e) -> {
                    if (e != null) {
                        ledger.release(origin);
                    }
                });
            } catch (RuntimeException e) {
                ledger.release(origin);
                throw e;
            }
        } catch (RequestRejectedException e) {
            metrics.refused.increment();
            if (request.isOneway()) {
                LOG.warn(
                        "END_TRANSACTION from {} refused: {}",
                        channel == null ? "?" : channel.remoteAddress(),
                        e.getMessage());
            }
            throw e;
        }
    }

    private static End parse(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String group = h.string("producerGroup");
        String problem = TopicNames.groupProblem(group);
        if (problem != null) {
            throw refuse(problem);
        }
        long tranStateTableOffset = h.longValue("tranStateTableOffset");
        long commitLogOffset = h.longValue("commitLogOffset");
        int type = h.intValue("commitOrRollback");
        if (type != MessageSysFlag.TRANSACTION_NOT_TYPE
                && type != MessageSysFlag.TRANSACTION_COMMIT_TYPE
                && type != MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
            throw refuse("commitOrRollback " + type + " is none of 0 (unknown), 8 (commit), 12 (rollback)");
        }
        return new End(
                group, tranStateTableOffset, commitLogOffset, type, h.booleanValue("fromTransactionCheck", false));
    }

    private MessageRecord findHalf(End end) {
        MessageRecord half = store.lookMessageByPhysicalOffset(end.commitLogOffset())
                .map(OpLog::decode)
                .orElse(null);
        if (half == null) {
            throw refuse("Find prepared transaction message failed: no message starts at commitLogOffset "
                    + end.commitLogOffset());
        }
        if (!HalfMessage.isStoredHalf(half)) {
            throw refuse("the message at commitLogOffset " + end.commitLogOffset() + " (topic " + half.topic()
                    + ") is not a transactional half message");
        }
        if (!end.producerGroup().equals(half.property(MessageProperties.PRODUCER_GROUP))) {
            throw refuse("The producer group wrong: the half message at commitLogOffset " + end.commitLogOffset()
                    + " belongs to another producer group");
        }
        if (half.queueOffset() != end.tranStateTableOffset()) {
            throw refuse("The transaction state table offset wrong: " + end.tranStateTableOffset()
                    + ", the half message is at " + half.queueOffset());
        }
        if (half.physicalOffset() != end.commitLogOffset()) {
            throw refuse("The commit log offset wrong: " + end.commitLogOffset());
        }
        return half;
    }

    private CompletableFuture<RemotingCommand> commit(
            RemotingCommand request, MessageRecord half, HalfRecords.RealDestination real, long origin) {
        if (origin < halfEndAtStart && committedBefore(half, real, origin)) {
            LOG.info(
                    "half {} of chain {} was committed before the restart; writing its op record only",
                    half.queueOffset(),
                    origin);
            return settle(request, half, origin, TransactionLedger.Outcome.COMMITTED);
        }
        return store.put(HalfRecords.commit(half, real, origin)).thenCompose(put -> {
            if (!put.status().isStored()) {
                ledger.release(origin);
                return answer(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        "the commit could not be stored: " + put.status()
                                + (put.errorMessage() == null ? "" : " " + put.errorMessage()));
            }
            metrics.commits.increment();
            return settle(request, half, origin, TransactionLedger.Outcome.COMMITTED);
        });
    }

    private CompletableFuture<RemotingCommand> rollback(RemotingCommand request, MessageRecord half, long origin) {
        return settle(request, half, origin, TransactionLedger.Outcome.ROLLED_BACK)
                .thenApply(answer -> {
                    if (answer.code() == ResponseCode.SUCCESS) {
                        metrics.rollbacks.increment();
                    }
                    return answer;
                });
    }

    /**
     * Writes the op record and records the outcome. A rollback whose op record fails is open again (nothing
     * was written); a commit stays settled in memory even then, since its message is stored: the restart
     * check above catches the missing op record.
     */
    private CompletableFuture<RemotingCommand> settle(
            RemotingCommand request, MessageRecord half, long origin, TransactionLedger.Outcome outcome) {
        return opLog.record(half.queueOffset(), origin, clock.millis()).thenApply((PutResult put) -> {
            if (put.status().isStored() || outcome == TransactionLedger.Outcome.COMMITTED) {
                ledger.settle(origin, outcome);
            } else {
                ledger.release(origin);
            }
            if (!put.status().isStored()) {
                LOG.warn("op record for half {} ({}) not stored: {}", half.queueOffset(), outcome, put.status());
                return request.response(
                        ResponseCode.SYSTEM_ERROR, "the transaction outcome could not be recorded: " + put.status());
            }
            return request.response(ResponseCode.SUCCESS);
        });
    }

    /** Whether a committed record of this chain is already in the real topic (see the class comment). */
    private boolean committedBefore(MessageRecord half, HalfRecords.RealDestination real, long origin) {
        String uniqKey = half.property(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniqKey == null || uniqKey.isEmpty()) {
            return false;
        }
        QueryResult found = store.queryByKey(real.topic(), uniqKey, DUPLICATE_LOOKUP_MAX, 0, Long.MAX_VALUE);
        String chain = Long.toString(origin);
        for (MessageSlice slice : found.messages()) {
            MessageRecord r = OpLog.decode(slice);
            if (r != null
                    && MessageSysFlag.transactionType(r.sysFlag()) == MessageSysFlag.TRANSACTION_COMMIT_TYPE
                    && chain.equals(r.property(MessageProperties.TRANSACTION_PREPARED_QUEUE_OFFSET))) {
                return true;
            }
        }
        return false;
    }

    private static RequestRejectedException refuse(String remark) {
        return new RequestRejectedException(ResponseCode.SYSTEM_ERROR, remark);
    }

    private static CompletableFuture<RemotingCommand> answer(RemotingCommand request, int code, String remark) {
        return CompletableFuture.completedFuture(request.response(code, remark));
    }
}
