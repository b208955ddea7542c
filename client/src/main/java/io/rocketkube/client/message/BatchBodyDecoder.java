package io.rocketkube.client.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SEND_BATCH_MESSAGE body (docs/protocol.md §4.7) into its messages. Each entry:
 * <pre>
 * 0      4  TOTALSIZE        = 20 + B + 2 + P
 * 4      4  MAGICCODE        ignored (clients send 0)
 * 8      4  BODYCRC          ignored (the broker computes it)
 * 12     4  FLAG
 * 16     4  BODYLENGTH       B
 * 20     B  BODY
 * 20+B   2  PROPERTIESLENGTH P
 * 22+B   P  PROPERTIES
 * </pre>
 * The whole body must consist of whole entries whose lengths agree; otherwise nothing is returned but
 * the reason (a batch is never half-applied).
 *
 * <p>Stateless; thread-safe.
 */
public final class BatchBodyDecoder {

    public static final int TOTAL_SIZE_OFFSET = 0;
    public static final int MAGIC_OFFSET = TOTAL_SIZE_OFFSET + 4;
    public static final int BODY_CRC_OFFSET = MAGIC_OFFSET + 4;
    public static final int FLAG_OFFSET = BODY_CRC_OFFSET + 4;
    public static final int BODY_LENGTH_OFFSET = FLAG_OFFSET + 4;
    public static final int BODY_OFFSET = BODY_LENGTH_OFFSET + 4;
    public static final int PROPERTIES_LENGTH_LENGTH = 2;
    public static final int MIN_ENTRY_SIZE = BODY_OFFSET + PROPERTIES_LENGTH_LENGTH;

    private BatchBodyDecoder() {}

    /** One message of a batch; {@code body} is a read-only view into the batch body. */
    public record Entry(int flag, ByteBuffer body, String properties) {}

    /** The decoded batch, or why it was refused. */
    public sealed interface Result {
        record Ok(List<Entry> entries) implements Result {}

        record Malformed(String reason) implements Result {}
    }

    /** Decodes the remaining bytes of {@code batch} without moving its position. */
    public static Result decode(ByteBuffer batch) {
        ByteBuffer buf = batch.duplicate();
        List<Entry> entries = new ArrayList<>();
        int pos = buf.position();
        int limit = buf.limit();
        if (pos == limit) {
            return new Result.Malformed("empty batch");
        }
        while (pos < limit) {
            int index = entries.size();
            if (limit - pos < MIN_ENTRY_SIZE) {
                return new Result.Malformed(
                        "message " + index + ": " + (limit - pos) + " trailing bytes, less than an entry header");
            }
            int totalSize = buf.getInt(pos + TOTAL_SIZE_OFFSET);
            int bodyLength = buf.getInt(pos + BODY_LENGTH_OFFSET);
            if (totalSize < MIN_ENTRY_SIZE || totalSize > limit - pos) {
                return new Result.Malformed("message " + index + ": size " + totalSize + " outside [" + MIN_ENTRY_SIZE
                        + ", " + (limit - pos) + "]");
            }
            if (bodyLength < 0 || bodyLength > totalSize - MIN_ENTRY_SIZE) {
                return new Result.Malformed(
                        "message " + index + ": body length " + bodyLength + " does not fit size " + totalSize);
            }
            int propsLenAt = pos + BODY_OFFSET + bodyLength;
            int propsLength = buf.getShort(propsLenAt);
            if (propsLength < 0 || BODY_OFFSET + bodyLength + PROPERTIES_LENGTH_LENGTH + propsLength != totalSize) {
                return new Result.Malformed("message " + index + ": lengths add up to "
                        + (BODY_OFFSET + bodyLength + PROPERTIES_LENGTH_LENGTH + propsLength) + ", size is "
                        + totalSize);
            }
            ByteBuffer body = buf.duplicate()
                    .limit(pos + BODY_OFFSET + bodyLength)
                    .position(pos + BODY_OFFSET)
                    .slice()
                    .asReadOnlyBuffer();
            byte[] props = new byte[propsLength];
            buf.get(propsLenAt + PROPERTIES_LENGTH_LENGTH, props);
            entries.add(new Entry(buf.getInt(pos + FLAG_OFFSET), body, new String(props, StandardCharsets.UTF_8)));
            pos += totalSize;
        }
        return new Result.Ok(List.copyOf(entries));
    }

    /** Encodes entries as a client would (MAGIC and BODYCRC 0); used by tests and tools. */
    public static ByteBuffer encode(List<Entry> entries) {
        int size = 0;
        List<byte[]> props = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            byte[] p = e.properties().getBytes(StandardCharsets.UTF_8);
            props.add(p);
            size += MIN_ENTRY_SIZE + e.body().remaining() + p.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] p = props.get(i);
            buf.putInt(MIN_ENTRY_SIZE + e.body().remaining() + p.length)
                    .putInt(0)
                    .putInt(0)
                    .putInt(e.flag());
            buf.putInt(e.body().remaining())
                    .put(e.body().duplicate())
                    .putShort((short) p.length)
                    .put(p);
        }
        return buf.flip();
    }
}
