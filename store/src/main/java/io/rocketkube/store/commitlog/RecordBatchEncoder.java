package io.rocketkube.store.commitlog;

import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.StoredMessageEncoder;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.PutStatus;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Validates put requests and encodes them into an {@link EncodedBatch}, outside the append lock, so the
 * lock covers only placement and the write.
 *
 * <p>Stateless apart from its settings; thread-safe.
 */
public final class RecordBatchEncoder {

    /** Why a request was refused; nothing is written for it. */
    public static final class Refusal extends Exception {
        private final PutStatus status;

        public Refusal(PutStatus status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public PutStatus status() {
            return status;
        }
    }

    private final InetSocketAddress storeHost;
    private final int maxMessageSize;
    private final int maxBatchSize;

    /**
     * @param maxBatchSize the largest total a batch may have; a batch must fit one segment with its
     *                     blank filler, since records never span segments
     */
    public RecordBatchEncoder(InetSocketAddress storeHost, int maxMessageSize, int maxBatchSize) {
        this.storeHost = storeHost;
        this.maxMessageSize = maxMessageSize;
        this.maxBatchSize = maxBatchSize;
    }

    /**
     * Encodes the requests, which must share topic, queue, sysFlag and WAIT.
     *
     * @throws Refusal if any request is invalid (then nothing of the batch is stored)
     */
    public EncodedBatch encode(List<MessageRecordRequest> requests) throws Refusal {
        if (requests.isEmpty()) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, "empty batch");
        }
        MessageRecordRequest first = requests.get(0);
        StoredMessageEncoder.Prepared[] prepared = new StoredMessageEncoder.Prepared[requests.size()];
        long total = 0;
        for (int i = 0; i < requests.size(); i++) {
            MessageRecordRequest r = requests.get(i);
            if (i > 0
                    && (!r.topic().equals(first.topic())
                            || r.queueId() != first.queueId()
                            || r.sysFlag() != first.sysFlag()
                            || r.waitStoreMsgOk() != first.waitStoreMsgOk())) {
                throw new Refusal(
                        PutStatus.MESSAGE_ILLEGAL, "batch messages must share topic, queueId, sysFlag and WAIT");
            }
            prepared[i] = prepare(r);
            total += prepared[i].size();
        }
        if (total > maxBatchSize) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, "batch of " + total + " bytes exceeds " + maxBatchSize);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total);
        int[] starts = new int[prepared.length];
        int[] flags = new int[prepared.length];
        for (int i = 0; i < prepared.length; i++) {
            starts[i] = buf.position();
            flags[i] = prepared[i].sysFlag();
            StoredMessageEncoder.encode(buf, prepared[i]);
        }
        buf.flip();
        return new EncodedBatch(buf, starts, flags, List.copyOf(requests));
    }

    private StoredMessageEncoder.Prepared prepare(MessageRecordRequest r) throws Refusal {
        if (r.queueId() < 0) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, "queueId must be >= 0, was " + r.queueId());
        }
        // The topic becomes a ConsumeQueue directory name; refuse it here, before anything is written,
        // rather than have the dispatcher fail on it later.
        String unsafe = io.rocketkube.store.file.StorePaths.unsafeReason(r.topic());
        if (unsafe != null) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, "topic is not a safe store name: " + unsafe);
        }
        if (r.bornHost().getAddress() == null) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, "bornHost must be resolved: " + r.bornHost());
        }
        MessageRecord record = new MessageRecord(
                r.topic(),
                r.queueId(),
                r.flag(),
                0,
                0,
                r.sysFlag(),
                r.bornTimestamp(),
                r.bornHost(),
                0,
                storeHost,
                r.reconsumeTimes(),
                r.preparedTransactionOffset(),
                r.body(),
                r.properties(),
                0);
        StoredMessageEncoder.Prepared p;
        try {
            p = StoredMessageEncoder.prepare(record, false);
        } catch (IllegalArgumentException e) {
            throw new Refusal(PutStatus.MESSAGE_ILLEGAL, e.getMessage());
        }
        if (p.properties().length > StoredMessageLayout.MAX_PROPERTIES_LENGTH) {
            throw new Refusal(
                    PutStatus.PROPERTIES_SIZE_EXCEEDED,
                    "properties exceed " + StoredMessageLayout.MAX_PROPERTIES_LENGTH + " bytes");
        }
        if (p.size() > maxMessageSize) {
            throw new Refusal(
                    PutStatus.MESSAGE_ILLEGAL,
                    "message of " + p.size() + " bytes exceeds maxMessageSize " + maxMessageSize);
        }
        return p;
    }
}
