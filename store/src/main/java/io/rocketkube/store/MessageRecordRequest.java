package io.rocketkube.store;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One message to append. The store adds the store timestamp, the store host (from {@link StoreConfig})
 * and both offsets.
 *
 * @param tagsCode                  opaque long written into the ConsumeQueue entry (the broker passes
 *                                  {@code TAGS.hashCode()}, or a deliver time for delayed messages)
 * @param keys                      business keys to index (the {@code KEYS} property split on spaces)
 * @param uniqKey                   the {@code UNIQ_KEY} property, indexed too; may be null
 * @param waitStoreMsgOk            the {@code WAIT} property: under SYNC_FLUSH, whether the future waits
 *                                  for durability
 * <p>After a crash, indexes are rebuilt from the stored record, so {@code tagsCode}, {@code keys} and
 * {@code uniqKey} must agree with what {@link TagsCodeResolver} and the properties give for it.
 */
public record MessageRecordRequest(
        String topic,
        int queueId,
        int flag,
        int sysFlag,
        long bornTimestamp,
        InetSocketAddress bornHost,
        ByteBuffer body,
        String properties,
        int reconsumeTimes,
        long preparedTransactionOffset,
        long tagsCode,
        List<String> keys,
        String uniqKey,
        boolean waitStoreMsgOk) {

    public MessageRecordRequest {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bornHost, "bornHost");
        Objects.requireNonNull(body, "body");
        properties = properties == null ? "" : properties;
        keys = keys == null ? List.of() : List.copyOf(keys);
        body = body.asReadOnlyBuffer();
    }

    public static Builder builder(String topic, int queueId, ByteBuffer body) {
        return new Builder(topic, queueId, body);
    }

    /** Mutable builder; not thread-safe. Unset fields are 0, empty, or (WAIT) true. */
    public static final class Builder {
        private final String topic;
        private final int queueId;
        private final ByteBuffer body;
        private int flag;
        private int sysFlag;
        private long bornTimestamp;
        private InetSocketAddress bornHost = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        private String properties = "";
        private int reconsumeTimes;
        private long preparedTransactionOffset;
        private long tagsCode;
        private List<String> keys = List.of();
        private String uniqKey;
        private boolean waitStoreMsgOk = true;

        private Builder(String topic, int queueId, ByteBuffer body) {
            this.topic = topic;
            this.queueId = queueId;
            this.body = body;
        }

        public Builder flag(int v) {
            flag = v;
            return this;
        }

        public Builder sysFlag(int v) {
            sysFlag = v;
            return this;
        }

        public Builder bornTimestamp(long v) {
            bornTimestamp = v;
            return this;
        }

        public Builder bornHost(InetSocketAddress v) {
            bornHost = v;
            return this;
        }

        public Builder properties(String v) {
            properties = v;
            return this;
        }

        public Builder reconsumeTimes(int v) {
            reconsumeTimes = v;
            return this;
        }

        public Builder preparedTransactionOffset(long v) {
            preparedTransactionOffset = v;
            return this;
        }

        public Builder tagsCode(long v) {
            tagsCode = v;
            return this;
        }

        public Builder keys(List<String> v) {
            keys = v;
            return this;
        }

        public Builder uniqKey(String v) {
            uniqKey = v;
            return this;
        }

        public Builder waitStoreMsgOk(boolean v) {
            waitStoreMsgOk = v;
            return this;
        }

        public MessageRecordRequest build() {
            return new MessageRecordRequest(
                    topic,
                    queueId,
                    flag,
                    sysFlag,
                    bornTimestamp,
                    bornHost,
                    body,
                    properties,
                    reconsumeTimes,
                    preparedTransactionOffset,
                    tagsCode,
                    keys,
                    uniqKey,
                    waitStoreMsgOk);
        }
    }
}
