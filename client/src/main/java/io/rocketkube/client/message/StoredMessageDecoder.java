package io.rocketkube.client.message;

import static io.rocketkube.client.message.StoredMessageLayout.BLANK_LENGTH;
import static io.rocketkube.client.message.StoredMessageLayout.BODY_CRC_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.BORN_HOST_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.BORN_TIMESTAMP_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.FLAG_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.MAGIC_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.PHYSICAL_OFFSET_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.PROPERTIES_LENGTH_LENGTH;
import static io.rocketkube.client.message.StoredMessageLayout.QUEUE_ID_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.QUEUE_OFFSET_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.SYS_FLAG_OFFSET;
import static io.rocketkube.client.message.StoredMessageLayout.TOTAL_SIZE_OFFSET;

import io.rocketkube.client.util.MaskedCrc32;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads and validates one stored record ({@link StoredMessageLayout}) at an absolute position of a
 * buffer, without moving the buffer's position. Checks, in order: enough bytes for the size and magic;
 * a known magic; a size within {@code [minimum, maxRecordSize]}; enough bytes for the whole record;
 * field lengths that add up to the size exactly; and, if asked, the body CRC.
 *
 * <p>Stateless; thread-safe as long as nobody writes the bytes being decoded.
 */
public final class StoredMessageDecoder {

    private StoredMessageDecoder() {}

    /**
     * Decodes the record at {@code offset}, reading no byte at or past {@code limit}.
     *
     * @param maxRecordSize larger sizes are reported as corrupt (a torn size field must not make the
     *                      caller wait for gigabytes)
     * @param checkCrc      whether to recompute the body CRC
     */
    public static RecordDecodeResult decode(
            ByteBuffer buf, int offset, int limit, int maxRecordSize, boolean checkCrc) {
        return read(buf, offset, limit, maxRecordSize, checkCrc, true);
    }

    /**
     * {@link #decode} with the same checks, but a valid record is answered as {@link RecordDecodeResult.Checked}
     * (its size and the physical offset it claims) without building it: no strings, hosts or body slice. For
     * a caller that only validates bytes (a replica checking what its master sent), where building each record
     * would be most of the work.
     */
    public static RecordDecodeResult check(ByteBuffer buf, int offset, int limit, int maxRecordSize, boolean checkCrc) {
        return read(buf, offset, limit, maxRecordSize, checkCrc, false);
    }

    private static RecordDecodeResult read(
            ByteBuffer buf, int offset, int limit, int maxRecordSize, boolean checkCrc, boolean build) {
        int available = limit - offset;
        if (available < BLANK_LENGTH) {
            return new RecordDecodeResult.NeedMore(Math.max(available, 0), BLANK_LENGTH);
        }
        int totalSize = buf.getInt(offset + TOTAL_SIZE_OFFSET);
        int magic = buf.getInt(offset + MAGIC_OFFSET);
        if (magic == StoredMessageLayout.MAGIC_BLANK) {
            return totalSize >= BLANK_LENGTH
                    ? new RecordDecodeResult.Blank(totalSize)
                    : new RecordDecodeResult.Corrupt("blank filler with size " + totalSize);
        }
        if (magic != StoredMessageLayout.MAGIC_V1 && magic != StoredMessageLayout.MAGIC_V2) {
            return new RecordDecodeResult.Corrupt(
                    totalSize == 0 && magic == 0
                            ? "zero bytes (end of written data)"
                            : "unknown magic 0x" + Integer.toHexString(magic));
        }
        int minSize = StoredMessageLayout.FIXED_PART_V1_IPV4;
        if (totalSize < minSize || totalSize > maxRecordSize) {
            return new RecordDecodeResult.Corrupt(
                    "record size " + totalSize + " outside [" + minSize + ", " + maxRecordSize + "]");
        }
        if (available < totalSize) {
            return new RecordDecodeResult.NeedMore(available, totalSize);
        }
        return decodeComplete(buf, offset, totalSize, magic == StoredMessageLayout.MAGIC_V2, checkCrc, build);
    }

    /** Decodes every record of a PULL/QUERY body (records back to back) until the end or the first bad one. */
    public static java.util.List<MessageRecord> decodeAll(ByteBuffer buf, int maxRecordSize) {
        java.util.List<MessageRecord> records = new java.util.ArrayList<>();
        int pos = buf.position();
        while (pos < buf.limit()) {
            RecordDecodeResult r = decode(buf, pos, buf.limit(), maxRecordSize, true);
            if (!(r instanceof RecordDecodeResult.Decoded d)) {
                break;
            }
            records.add(d.record());
            pos += d.size();
        }
        return records;
    }

    private static RecordDecodeResult decodeComplete(
            ByteBuffer buf, int offset, int totalSize, boolean v2, boolean checkCrc, boolean build) {
        int end = offset + totalSize;
        int sysFlag = buf.getInt(offset + SYS_FLAG_OFFSET);
        int bodyLenAt = offset + StoredMessageLayout.bodyLengthOffset(sysFlag);
        int bodyLength = buf.getInt(bodyLenAt);
        int bodyAt = offset + StoredMessageLayout.bodyOffset(sysFlag);
        if (bodyLength < 0 || (long) bodyAt + bodyLength > end) {
            return new RecordDecodeResult.Corrupt("body length " + bodyLength + " overruns record of " + totalSize);
        }
        int topicLenAt = bodyAt + bodyLength;
        int topicLenSize = v2 ? StoredMessageLayout.TOPIC_LENGTH_LENGTH_V2 : StoredMessageLayout.TOPIC_LENGTH_LENGTH_V1;
        if (topicLenAt + topicLenSize > end) {
            return new RecordDecodeResult.Corrupt("topic length overruns record");
        }
        int topicLength = v2 ? buf.getShort(topicLenAt) & 0xFFFF : buf.get(topicLenAt);
        int topicAt = topicLenAt + topicLenSize;
        if (topicLength <= 0 || topicAt + topicLength + PROPERTIES_LENGTH_LENGTH > end) {
            return new RecordDecodeResult.Corrupt("topic length " + topicLength + " invalid");
        }
        int propsLenAt = topicAt + topicLength;
        int propsLength = buf.getShort(propsLenAt);
        int propsAt = propsLenAt + PROPERTIES_LENGTH_LENGTH;
        if (propsLength < 0 || propsAt + propsLength != end) {
            return new RecordDecodeResult.Corrupt(
                    "field lengths add up to " + (propsAt + propsLength - offset) + ", record size is " + totalSize);
        }
        ByteBuffer body =
                buf.duplicate().limit(bodyAt + bodyLength).position(bodyAt).slice();
        int storedCrc = buf.getInt(offset + BODY_CRC_OFFSET);
        if (checkCrc) {
            int actual = MaskedCrc32.of(body);
            if (actual != storedCrc) {
                return new RecordDecodeResult.Corrupt("body CRC " + actual + " != stored " + storedCrc);
            }
        }
        if (!build) {
            // The hosts need no check: an address of 4 or 16 bytes is always valid.
            return new RecordDecodeResult.Checked(totalSize, buf.getLong(offset + PHYSICAL_OFFSET_OFFSET));
        }
        InetSocketAddress bornHost;
        InetSocketAddress storeHost;
        try {
            bornHost = host(buf, offset + BORN_HOST_OFFSET, MessageSysFlag.isBornHostV6(sysFlag));
            storeHost = host(
                    buf, offset + StoredMessageLayout.storeHostOffset(sysFlag), MessageSysFlag.isStoreHostV6(sysFlag));
        } catch (IllegalArgumentException e) {
            return new RecordDecodeResult.Corrupt("bad host: " + e.getMessage());
        }
        MessageRecord record = new MessageRecord(
                string(buf, topicAt, topicLength),
                buf.getInt(offset + QUEUE_ID_OFFSET),
                buf.getInt(offset + FLAG_OFFSET),
                buf.getLong(offset + QUEUE_OFFSET_OFFSET),
                buf.getLong(offset + PHYSICAL_OFFSET_OFFSET),
                sysFlag,
                buf.getLong(offset + BORN_TIMESTAMP_OFFSET),
                bornHost,
                buf.getLong(offset + StoredMessageLayout.storeTimestampOffset(sysFlag)),
                storeHost,
                buf.getInt(offset + StoredMessageLayout.reconsumeTimesOffset(sysFlag)),
                buf.getLong(offset + StoredMessageLayout.preparedTransactionOffsetOffset(sysFlag)),
                body,
                string(buf, propsAt, propsLength),
                storedCrc);
        return new RecordDecodeResult.Decoded(record, totalSize);
    }

    private static String string(ByteBuffer buf, int at, int length) {
        byte[] bytes = new byte[length];
        buf.get(at, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static InetSocketAddress host(ByteBuffer buf, int at, boolean v6) {
        byte[] address = new byte[v6 ? 16 : 4];
        buf.get(at, address);
        int port = buf.getInt(at + address.length);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
