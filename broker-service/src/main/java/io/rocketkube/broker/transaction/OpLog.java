package io.rocketkube.broker.transaction;

import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of settled chains: {@code RMQ_SYS_TRANS_OP_HALF_TOPIC} queue 0, one op record per
 * settlement, tag {@code d}, as 4.9 writes them. The body is the half queue offsets the settlement covers as
 * decimal text, comma-separated (the 5.x op body form): the offset of the half record the END_TRANSACTION
 * named and, when that was a check-back copy, the chain's origin too. A 4.9/5.x reader sees the record it
 * expects; we read the origin back.
 *
 * <p>Op records are written after the commit record they cover (both in the one CommitLog, in that order), so
 * recovery that keeps an op record keeps the commit before it.
 *
 * <p>Thread-safe (the store is).
 */
final class OpLog {
    static final String TOPIC = TopicNames.TRANS_OP_HALF_TOPIC;
    static final int QUEUE_ID = 0;
    static final String REMOVE_TAG = "d";
    private static final Logger LOG = LoggerFactory.getLogger(OpLog.class);
    private static final int READ_BATCH = 256;
    private static final int READ_BYTES = 1 << 20;

    private final MessageStore store;
    private final InetSocketAddress bornHost;
    private final TopicConfigManager topics;

    OpLog(MessageStore store, InetSocketAddress bornHost, TopicConfigManager topics) {
        this.store = store;
        this.bornHost = bornHost;
        this.topics = topics;
    }

    /** Writes the op record settling the half at {@code halfOffset} of chain {@code origin}. */
    CompletableFuture<PutResult> record(long halfOffset, long origin, long now) {
        String body = halfOffset == origin ? Long.toString(halfOffset) : halfOffset + "," + origin;
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put(MessageProperties.TAGS, REMOVE_TAG);
        MessageRecordRequest op = MessageRecordRequest.builder(
                        TOPIC, QUEUE_ID, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                .bornTimestamp(now)
                .bornHost(bornHost)
                .properties(PropertiesCodec.encode(properties))
                .tagsCode(REMOVE_TAG.hashCode())
                .build();
        // Like the reference, the op topic has a config (and so a route mqadmin can query) from its first record.
        topics.createIfAbsent(TOPIC, 1, PermName.READ_WRITE);
        return store.put(op);
    }

    /** Replays the whole op queue into {@code ledger}; returns the op records read. */
    long replayInto(TransactionLedger ledger) {
        long offset = store.minOffset(TOPIC, QUEUE_ID);
        long end = store.maxOffset(TOPIC, QUEUE_ID);
        long read = 0;
        while (offset < end) {
            try (GetResult batch = store.get(TOPIC, QUEUE_ID, offset, READ_BATCH, READ_BYTES, null)) {
                if (batch.messageCount() == 0) {
                    if (batch.nextBeginOffset() <= offset) {
                        break;
                    }
                    offset = batch.nextBeginOffset();
                    continue;
                }
                for (MessageSlice slice : batch.messages()) {
                    MessageRecord op = decode(slice);
                    if (op != null) {
                        settleAll(ledger, op);
                        read++;
                    }
                }
                offset = batch.nextBeginOffset();
            }
        }
        return read;
    }

    private static void settleAll(TransactionLedger ledger, MessageRecord op) {
        String body = new String(op.bodyBytes(), StandardCharsets.UTF_8);
        for (String part : body.split(",")) {
            try {
                ledger.settle(Long.parseLong(part.trim()), TransactionLedger.Outcome.SETTLED);
            } catch (NumberFormatException e) {
                LOG.warn("op record at {} has a body that is not a list of offsets: {}", op.physicalOffset(), body);
            }
        }
    }

    static MessageRecord decode(MessageSlice slice) {
        ByteBuffer view = slice.view();
        RecordDecodeResult r =
                StoredMessageDecoder.decode(view, view.position(), view.limit(), Integer.MAX_VALUE, false);
        return r instanceof RecordDecodeResult.Decoded d ? d.record() : null;
    }
}
