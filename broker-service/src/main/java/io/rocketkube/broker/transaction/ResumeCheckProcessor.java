package io.rocketkube.broker.transaction;

import io.netty.channel.Channel;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RESUME_CHECK_HALF_MESSAGE (323, the tools API's {@code resumeCheckHalfMessage}): a half message that the
 * check-back discarded after {@code transaction-check-max} unanswered checks is put back into the half queue with
 * its check count at 0, so the next round asks its producer group again (docs/transactions.md, "Resuming a
 * discarded half"). The request names the discarded record by its offset msgId.
 *
 * <p>Where RocketMQ 4.9 copies whatever record the id names into the half queue, this refuses anything but a
 * discarded half (a record of {@code TRANS_CHECK_MAX_TIME_TOPIC} with its real destination and producer group),
 * and a discarded half that was already put back: a second copy would be a second transaction, committed and
 * delivered twice if the producer commits both. "Already put back" is known from the resumes since this start (the
 * index is built a little after a put, so alone it could miss one just made), and before that from the index: a
 * half-queue record with the same UNIQ_KEY whose {@link HalfMessage#RESUMED_FROM} names this record. Resumes are
 * serialized, so two at once cannot both see none. Only admin accounts reach this when the ACL is on. A slave
 * answers SLAVE_NOT_AVAILABLE (its master holds the transactions). Refusals are SYSTEM_ERROR with
 * the reason; the official tools return false for any answer but SUCCESS and log its remark.
 */
final class ResumeCheckProcessor implements RequestProcessor {
    static final int[] CODES = {RequestCode.RESUME_CHECK_HALF_MESSAGE};
    private static final Logger LOG = LoggerFactory.getLogger(ResumeCheckProcessor.class);
    /** Records of one UNIQ_KEY looked at in the half queue: a chain holds at most check-max + 1 of them. */
    private static final int RESUMED_LOOKUP_MAX = 64;

    private final boolean master;
    private final MessageStore store;
    private final TransactionMetrics metrics;
    private final Object resumeLock = new Object();
    /** CommitLog offsets of the discarded records put back since this start (resumes are rare admin acts). */
    private final java.util.Set<Long> resumedSinceStart = new java.util.HashSet<>();

    ResumeCheckProcessor(boolean master, MessageStore store, TransactionMetrics metrics) {
        this.master = master;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (!master) {
            return answer(request, ResponseCode.SLAVE_NOT_AVAILABLE, "Can't resume a half message in slave role");
        }
        String msgId = HeaderFields.of(request).optionalString("msgId");
        if (msgId == null || msgId.isBlank()) {
            return answer(
                    request, ResponseCode.SYSTEM_ERROR, "msgId is required: the offset msgId of a discarded half");
        }
        Optional<MessageSlice> slice = store.lookMessageByOffsetMsgId(msgId.trim());
        MessageRecord discarded = slice.map(OpLog::decode).orElse(null);
        if (discarded == null) {
            return answer(request, ResponseCode.SYSTEM_ERROR, "no message stored here under offset msgId " + msgId);
        }
        String problem = notResumable(discarded);
        if (problem != null) {
            return answer(request, ResponseCode.SYSTEM_ERROR, "message " + msgId + " " + problem);
        }
        synchronized (resumeLock) {
            if (alreadyResumed(discarded)) {
                return answer(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        "message " + msgId + " was already put back to " + HalfMessage.TOPIC
                                + "; resume the record a later discard wrote, if any");
            }
            PutResult put = store.put(HalfRecords.resumed(discarded)).join();
            if (!put.status().isStored()) {
                LOG.warn("resuming discarded half {} failed: {}", msgId, put.status());
                return answer(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        "Put message back to " + HalfMessage.TOPIC + " failed: " + put.status());
            }
            resumedSinceStart.add(discarded.physicalOffset());
            metrics.resumed.increment();
            LOG.info(
                    "discarded half {} (real topic {}, producer group {}) put back at half queue offset {}",
                    msgId,
                    discarded.property(MessageProperties.REAL_TOPIC),
                    discarded.property(MessageProperties.PRODUCER_GROUP),
                    put.firstQueueOffset());
            return answer(request, ResponseCode.SUCCESS, null);
        }
    }

    /** Why this record cannot be put back, or null if it can. */
    private static String notResumable(MessageRecord record) {
        if (!TopicNames.TRANS_CHECK_MAX_TIME_TOPIC.equals(record.topic())) {
            return "is in topic " + record.topic() + ", not a half discarded to "
                    + TopicNames.TRANS_CHECK_MAX_TIME_TOPIC;
        }
        if (!"true".equals(record.property(MessageProperties.TRANSACTION_PREPARED))
                || HalfRecords.realDestination(record) == null
                || record.property(MessageProperties.PRODUCER_GROUP) == null) {
            return "is not a transactional half (no TRAN_MSG, valid REAL_TOPIC/REAL_QID or PGROUP)";
        }
        return null;
    }

    private boolean alreadyResumed(MessageRecord discarded) {
        if (resumedSinceStart.contains(discarded.physicalOffset())) {
            return true;
        }
        String uniqKey = discarded.property(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (uniqKey == null || uniqKey.isEmpty()) {
            return false;
        }
        String from = Long.toString(discarded.physicalOffset());
        return store.queryByKey(HalfMessage.TOPIC, uniqKey, RESUMED_LOOKUP_MAX, 0, Long.MAX_VALUE).messages().stream()
                .map(OpLog::decode)
                .anyMatch(r -> r != null && from.equals(r.property(HalfMessage.RESUMED_FROM)));
    }

    private static CompletableFuture<RemotingCommand> answer(RemotingCommand request, int code, String remark) {
        return CompletableFuture.completedFuture(request.response(code, remark));
    }
}
