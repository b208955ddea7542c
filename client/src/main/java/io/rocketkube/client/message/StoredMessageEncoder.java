package io.rocketkube.client.message;

import io.rocketkube.client.util.MaskedCrc32;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes {@link MessageRecord}s in the stored layout ({@link StoredMessageLayout}), always as V1
 * records (every 4.x client reads them, so topics longer than 127 bytes are refused).
 *
 * <p>The SYSFLAG host bits are derived from the actual addresses, so callers may pass a flag without
 * them. The BODYCRC is computed here; the record's {@code bodyCrc} field is ignored.
 *
 * <p>Stateless; thread-safe.
 */
public final class StoredMessageEncoder {

    private StoredMessageEncoder() {}

    /** The pieces of a record, UTF-8 encoded once, so size and writing do not encode twice. */
    public record Prepared(MessageRecord record, int sysFlag, byte[] topic, byte[] properties, int size) {}

    /**
     * Validates and UTF-8 encodes a record's strings.
     *
     * @throws IllegalArgumentException if the topic is empty or longer than 127 bytes, the properties
     *                                  are longer than 32767 bytes, or a host is unresolved
     */
    public static Prepared prepare(MessageRecord record) {
        return prepare(record, true);
    }

    /**
     * As {@link #prepare(MessageRecord)}; with {@code checkProperties} false an over-long properties
     * string is left for the caller to refuse with its own status (the result then must not be encoded).
     */
    public static Prepared prepare(MessageRecord record, boolean checkProperties) {
        byte[] topic = record.topic().getBytes(StandardCharsets.UTF_8);
        if (topic.length == 0 || topic.length > StoredMessageLayout.MAX_TOPIC_LENGTH_V1) {
            throw new IllegalArgumentException("topic must be 1.." + StoredMessageLayout.MAX_TOPIC_LENGTH_V1
                    + " UTF-8 bytes, was " + topic.length);
        }
        byte[] properties = record.properties().getBytes(StandardCharsets.UTF_8);
        if (checkProperties && properties.length > StoredMessageLayout.MAX_PROPERTIES_LENGTH) {
            throw new IllegalArgumentException("properties must be at most " + StoredMessageLayout.MAX_PROPERTIES_LENGTH
                    + " UTF-8 bytes, was " + properties.length);
        }
        int sysFlag = hostFlags(record.sysFlag(), record.bornHost(), record.storeHost());
        int size = StoredMessageLayout.recordSize(sysFlag, record.body().remaining(), topic.length, properties.length);
        return new Prepared(record, sysFlag, topic, properties, size);
    }

    /** Size of the encoded record. */
    public static int size(MessageRecord record) {
        return prepare(record).size();
    }

    /**
     * Writes the record at {@code dst}'s position and advances it.
     *
     * @return the record size
     * @throws BufferOverflowException if it does not fit; nothing is written then
     */
    public static int encode(ByteBuffer dst, MessageRecord record) {
        return encode(dst, prepare(record));
    }

    /** As {@link #encode(ByteBuffer, MessageRecord)}, with the strings already encoded. */
    public static int encode(ByteBuffer dst, Prepared p) {
        if (p.properties().length > StoredMessageLayout.MAX_PROPERTIES_LENGTH) {
            throw new IllegalArgumentException(
                    "properties must be at most " + StoredMessageLayout.MAX_PROPERTIES_LENGTH + " UTF-8 bytes");
        }
        if (dst.remaining() < p.size()) {
            throw new BufferOverflowException();
        }
        MessageRecord r = p.record();
        ByteBuffer body = r.body().duplicate();
        dst.putInt(p.size());
        dst.putInt(StoredMessageLayout.MAGIC_V1);
        dst.putInt(MaskedCrc32.of(body));
        dst.putInt(r.queueId());
        dst.putInt(r.flag());
        dst.putLong(r.queueOffset());
        dst.putLong(r.physicalOffset());
        dst.putInt(p.sysFlag());
        dst.putLong(r.bornTimestamp());
        putHost(dst, r.bornHost());
        dst.putLong(r.storeTimestamp());
        putHost(dst, r.storeHost());
        dst.putInt(r.reconsumeTimes());
        dst.putLong(r.preparedTransactionOffset());
        dst.putInt(body.remaining());
        dst.put(body);
        dst.put((byte) p.topic().length);
        dst.put(p.topic());
        dst.putShort((short) p.properties().length);
        dst.put(p.properties());
        return p.size();
    }

    /** {@code sysFlag} with the two host-v6 bits set from the addresses' families. */
    public static int hostFlags(int sysFlag, InetSocketAddress bornHost, InetSocketAddress storeHost) {
        int flag = sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
        if (address(bornHost).getAddress().length == 16) {
            flag |= MessageSysFlag.BORNHOST_V6_FLAG;
        }
        if (address(storeHost).getAddress().length == 16) {
            flag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
        }
        return flag;
    }

    /** Writes address bytes then the port as a 4-byte int. */
    public static void putHost(ByteBuffer dst, InetSocketAddress host) {
        dst.put(address(host).getAddress());
        dst.putInt(host.getPort());
    }

    private static InetAddress address(InetSocketAddress host) {
        InetAddress address = host.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("host must be resolved: " + host);
        }
        return address;
    }
}
