package io.rocketkube.client.remoting;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The ROCKETMQ binary header form (serialize type 1). Big-endian throughout:
 *
 * <pre>
 * offset        size  field
 * 0             2     code            signed short
 * 2             1     language        LanguageCode byte
 * 3             2     version         signed short
 * 5             4     opaque
 * 9             4     flag
 * 13            4     remarkLength    R, 0 = no remark
 * 17            R     remark          UTF-8
 * 17+R          4     extLength       E, 0 = no ext block (decodes to null ext fields, as the reference does)
 * 21+R          E     ext entries     { keyLength:2, key:UTF-8, valueLength:4, value:UTF-8 }*
 * </pre>
 */
final class BinaryHeaderCodec {
    static final int CODE_OFFSET = 0;
    static final int LANGUAGE_OFFSET = CODE_OFFSET + Short.BYTES;
    static final int VERSION_OFFSET = LANGUAGE_OFFSET + Byte.BYTES;
    static final int OPAQUE_OFFSET = VERSION_OFFSET + Short.BYTES;
    static final int FLAG_OFFSET = OPAQUE_OFFSET + Integer.BYTES;
    static final int REMARK_LENGTH_OFFSET = FLAG_OFFSET + Integer.BYTES;
    static final int FIXED_PART_LENGTH = REMARK_LENGTH_OFFSET + Integer.BYTES;
    /** The fixed part plus the ext length word: the smallest valid header. */
    static final int MIN_HEADER_LENGTH = FIXED_PART_LENGTH + Integer.BYTES;

    private BinaryHeaderCodec() {}

    static byte[] encode(RemotingCommand command) {
        byte[] remark = command.remark() == null ? null : command.remark().getBytes(StandardCharsets.UTF_8);
        int remarkLength = remark == null ? 0 : remark.length;
        Map<String, String> ext = command.rawExtFields();
        int extLength = 0;
        byte[][] encodedExt = null;
        if (ext != null) {
            encodedExt = new byte[ext.size() * 2][];
            int i = 0;
            for (Map.Entry<String, String> field : ext.entrySet()) {
                if (field.getKey() == null || field.getValue() == null) {
                    continue;
                }
                byte[] key = field.getKey().getBytes(StandardCharsets.UTF_8);
                byte[] value = field.getValue().getBytes(StandardCharsets.UTF_8);
                encodedExt[i++] = key;
                encodedExt[i++] = value;
                extLength += Short.BYTES + key.length + Integer.BYTES + value.length;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(MIN_HEADER_LENGTH + remarkLength + extLength);
        out.putShort((short) command.code());
        out.put(command.language().code());
        out.putShort((short) command.version());
        out.putInt(command.opaque());
        out.putInt(command.flag());
        out.putInt(remarkLength);
        if (remark != null) {
            out.put(remark);
        }
        out.putInt(extLength);
        if (encodedExt != null) {
            for (int i = 0; i < encodedExt.length && encodedExt[i] != null; i += 2) {
                out.putShort((short) encodedExt[i].length);
                out.put(encodedExt[i]);
                out.putInt(encodedExt[i + 1].length);
                out.put(encodedExt[i + 1]);
            }
        }
        return out.array();
    }

    static RemotingCommand decode(byte[] header, int offset, int length) {
        if (length < MIN_HEADER_LENGTH) {
            throw new MalformedFrameException(
                    "binary header of " + length + " bytes is shorter than " + MIN_HEADER_LENGTH);
        }
        ByteBuffer in = ByteBuffer.wrap(header, offset, length);
        try {
            int code = in.getShort();
            LanguageCode language = LanguageCode.ofCode(in.get());
            int version = in.getShort();
            int opaque = in.getInt();
            int flag = in.getInt();
            String remark = readString(in, in.getInt(), "remark");
            int extLength = in.getInt();
            if (extLength < 0 || extLength > in.remaining()) {
                throw new MalformedFrameException(
                        "binary header ext length " + extLength + " exceeds the " + in.remaining() + " bytes left");
            }
            Map<String, String> ext = extLength == 0 ? null : readExtFields(in, extLength);
            if (in.hasRemaining()) {
                throw new MalformedFrameException(in.remaining() + " trailing bytes after the binary header");
            }
            return RemotingCommand.decoded(code, language, version, opaque, flag, remark, ext, SerializeType.ROCKETMQ);
        } catch (BufferUnderflowException e) {
            throw new MalformedFrameException("binary header is truncated", e);
        }
    }

    private static Map<String, String> readExtFields(ByteBuffer in, int extLength) {
        Map<String, String> fields = new HashMap<>();
        int end = in.position() + extLength;
        while (in.position() < end) {
            String key = readString(in, in.getShort(), "ext key");
            String value = readString(in, in.getInt(), "ext value");
            if (key != null && value != null) {
                fields.put(key, value);
            }
        }
        if (in.position() != end) {
            throw new MalformedFrameException("binary header ext block overruns its length");
        }
        return fields;
    }

    private static String readString(ByteBuffer in, int length, String what) {
        if (length < 0 || length > in.remaining()) {
            throw new MalformedFrameException(
                    "binary header " + what + " length " + length + " exceeds the " + in.remaining() + " bytes left");
        }
        if (length == 0) {
            return null;
        }
        String value = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
        in.position(in.position() + length);
        return value;
    }
}
