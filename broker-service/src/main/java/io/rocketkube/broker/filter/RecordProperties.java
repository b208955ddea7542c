package io.rocketkube.broker.filter;

import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.StoredMessageLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the values of a few named properties straight from a stored message record (layout in
 * {@link StoredMessageLayout}), without touching the body and without building a map: the record is walked
 * by its length fields to PROPERTIES, the properties bytes are scanned once, and only the values of wanted
 * keys are decoded. Property keys a selector can name are ASCII identifiers, so keys are compared as bytes.
 *
 * <p>Same tolerance as {@link PropertiesCodec#decode}: segments shorter than three bytes or whose first
 * separator is first or last are skipped; the last of duplicate keys wins.
 *
 * <p>Immutable and thread-safe; the output array is the caller's.
 */
final class RecordProperties {
    private static final byte NAME_VALUE = (byte) PropertiesCodec.NAME_VALUE_SEPARATOR;
    private static final byte PROPERTY = (byte) PropertiesCodec.PROPERTY_SEPARATOR;

    private final byte[][] names;

    RecordProperties(List<String> names) {
        this.names = new byte[names.size()][];
        for (int i = 0; i < this.names.length; i++) {
            this.names[i] = names.get(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    int size() {
        return names.length;
    }

    /**
     * Fills {@code out[i]} with the value of the i-th name (null when absent) from the record starting at
     * {@code record.position()}. Returns false if the record's lengths do not add up (then {@code out} is
     * unspecified).
     */
    boolean extract(ByteBuffer record, String[] out) {
        java.util.Arrays.fill(out, null);
        int start = record.position();
        int end = record.limit();
        if (end - start < StoredMessageLayout.BORN_HOST_OFFSET) {
            return false;
        }
        int magic = record.getInt(start + StoredMessageLayout.MAGIC_OFFSET);
        boolean v2 = magic == StoredMessageLayout.MAGIC_V2;
        if (!v2 && magic != StoredMessageLayout.MAGIC_V1) {
            return false;
        }
        int sysFlag = record.getInt(start + StoredMessageLayout.SYS_FLAG_OFFSET);
        int bodyLengthAt = start + StoredMessageLayout.bodyLengthOffset(sysFlag);
        if (bodyLengthAt + StoredMessageLayout.BODY_LENGTH_LENGTH > end) {
            return false;
        }
        long topicLengthAt = (long) start + StoredMessageLayout.bodyOffset(sysFlag) + record.getInt(bodyLengthAt);
        int topicLengthSize =
                v2 ? StoredMessageLayout.TOPIC_LENGTH_LENGTH_V2 : StoredMessageLayout.TOPIC_LENGTH_LENGTH_V1;
        if (topicLengthAt < start || topicLengthAt + topicLengthSize > end) {
            return false;
        }
        int at = (int) topicLengthAt;
        int topicLength = v2 ? record.getShort(at) & 0xFFFF : record.get(at);
        int propsLengthAt = at + topicLengthSize + topicLength;
        if (topicLength < 0 || propsLengthAt + StoredMessageLayout.PROPERTIES_LENGTH_LENGTH > end) {
            return false;
        }
        int propsLength = record.getShort(propsLengthAt);
        int propsAt = propsLengthAt + StoredMessageLayout.PROPERTIES_LENGTH_LENGTH;
        if (propsLength < 0 || propsAt + propsLength > end) {
            return false;
        }
        scan(record, propsAt, propsAt + propsLength, out);
        return true;
    }

    private void scan(ByteBuffer buf, int from, int to, String[] out) {
        int segment = from;
        while (segment < to) {
            int segmentEnd = indexOf(buf, PROPERTY, segment, to);
            int separator = indexOf(buf, NAME_VALUE, segment, segmentEnd);
            if (segmentEnd - segment >= 3 && separator > segment && separator < segmentEnd - 1) {
                int wanted = wanted(buf, segment, separator - segment);
                if (wanted >= 0) {
                    byte[] value = new byte[segmentEnd - separator - 1];
                    buf.get(separator + 1, value);
                    out[wanted] = new String(value, StandardCharsets.UTF_8);
                }
            }
            segment = segmentEnd + 1;
        }
    }

    private int wanted(ByteBuffer buf, int keyAt, int keyLength) {
        for (int i = 0; i < names.length; i++) {
            byte[] name = names[i];
            if (name.length == keyLength && sameBytes(buf, keyAt, name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameBytes(ByteBuffer buf, int at, byte[] name) {
        for (int j = 0; j < name.length; j++) {
            if (buf.get(at + j) != name[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(ByteBuffer buf, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf.get(i) == b) {
                return i;
            }
        }
        return to;
    }
}
