package io.rocketkube.client.message;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The fields of one stored message record ({@link StoredMessageLayout}). Used both as the input of
 * {@link StoredMessageEncoder} and as the output of {@link StoredMessageDecoder}.
 *
 * <p>{@code body} is a read-only view; when the record came from the decoder it shares memory with the
 * decoded buffer, so it stays valid only as long as that buffer's bytes do. {@code bodyCrc} is the
 * masked CRC as stored (the encoder ignores this field and computes it).
 */
public record MessageRecord(
        String topic,
        int queueId,
        int flag,
        long queueOffset,
        long physicalOffset,
        int sysFlag,
        long bornTimestamp,
        InetSocketAddress bornHost,
        long storeTimestamp,
        InetSocketAddress storeHost,
        int reconsumeTimes,
        long preparedTransactionOffset,
        ByteBuffer body,
        String properties,
        int bodyCrc) {

    public MessageRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bornHost, "bornHost");
        Objects.requireNonNull(storeHost, "storeHost");
        Objects.requireNonNull(body, "body");
        properties = properties == null ? "" : properties;
        body = body.asReadOnlyBuffer();
    }

    /** A copy of the body bytes. */
    public byte[] bodyBytes() {
        byte[] bytes = new byte[body.remaining()];
        body.duplicate().get(bytes);
        return bytes;
    }

    /** One property of {@link #properties()}, or null. */
    public String property(String key) {
        return PropertiesCodec.find(properties, key);
    }
}
