package io.rocketkube.client.remoting;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * Writes the JSON header straight into the outbound buffer, byte for byte what Jackson's generator writes
 * for the same command (no whitespace, the fixed key order, Jackson's escapes: {@code \" \\ \b \t \n \f \r}
 * and {@code \}{@code u00XX} in upper-case hex for the other control characters, everything else from
 * 0x20 to 0x7F as is).
 *
 * <p>It handles ASCII only: UTF-8 encoding and Jackson's handling of unpaired surrogates are not worth
 * repeating here for the rare header with a non-ASCII character, so {@link #write} gives up (returns false,
 * the buffer's writer index back where it was) and the caller writes that header through Jackson. Why it
 * exists: Jackson's generator costs a generator, its buffer recycling and a copy out of its buffer per frame,
 * on the I/O thread of every connection.
 */
final class JsonHeaderWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** For each ASCII byte: 0 written as is, -1 {@code \}{@code u00XX}, else the letter after the backslash. */
    private static final int[] ESCAPES = new int[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private static final byte[] CODE = ascii("{\"code\":");
    private static final byte[] EXT_FIELDS = ascii(",\"extFields\":{");
    private static final byte[] FLAG = ascii(",\"flag\":");
    private static final byte[] LANGUAGE = ascii(",\"language\":\"");
    private static final byte[] OPAQUE = ascii("\",\"opaque\":");
    private static final byte[] REMARK = ascii(",\"remark\":\"");
    private static final byte[] SERIALIZE_TYPE_AND_VERSION =
            ascii(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");

    private JsonHeaderWriter() {}

    /** Appends the header to {@code out}; false, with nothing appended, when it holds a non-ASCII character. */
    static boolean write(RemotingCommand command, ByteBuf out) {
        int start = out.writerIndex();
        out.writeBytes(CODE);
        writeInt(out, command.code());
        Map<String, String> ext = command.rawExtFields();
        if (ext != null) {
            out.writeBytes(EXT_FIELDS);
            boolean first = true;
            for (Map.Entry<String, String> field : ext.entrySet()) {
                if (field.getKey() == null || field.getValue() == null) {
                    continue;
                }
                if (!first) {
                    out.writeByte(',');
                }
                first = false;
                out.writeByte('"');
                if (!writeEscaped(out, field.getKey())) {
                    out.writerIndex(start);
                    return false;
                }
                out.writeByte('"').writeByte(':').writeByte('"');
                if (!writeEscaped(out, field.getValue())) {
                    out.writerIndex(start);
                    return false;
                }
                out.writeByte('"');
            }
            out.writeByte('}');
        }
        out.writeBytes(FLAG);
        writeInt(out, command.flag());
        out.writeBytes(LANGUAGE);
        writeEscaped(out, command.language().name());
        out.writeBytes(OPAQUE);
        writeInt(out, command.opaque());
        if (command.remark() != null) {
            out.writeBytes(REMARK);
            if (!writeEscaped(out, command.remark())) {
                out.writerIndex(start);
                return false;
            }
            out.writeByte('"');
        }
        out.writeBytes(SERIALIZE_TYPE_AND_VERSION);
        writeInt(out, command.version());
        out.writeByte('}');
        return true;
    }

    /** False at the first non-ASCII character; the caller rewinds. */
    private static boolean writeEscaped(ByteBuf out, String text) {
        int length = text.length();
        out.ensureWritable(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return false;
            }
            int escape = ESCAPES[c];
            if (escape == 0) {
                out.writeByte(c);
            } else if (escape > 0) {
                out.writeByte('\\').writeByte(escape);
            } else {
                out.writeByte('\\').writeByte('u').writeByte('0').writeByte('0');
                out.writeByte(HEX[c >> 4]).writeByte(HEX[c & 0xF]);
            }
        }
        return true;
    }

    /** Decimal, as Jackson writes an int; no String on the way. */
    private static void writeInt(ByteBuf out, int value) {
        long v = value;
        if (v < 0) {
            out.writeByte('-');
            v = -v;
        }
        int digits = 1;
        for (long bound = 10; v >= bound && digits < 10; bound *= 10) {
            digits++;
        }
        out.ensureWritable(digits);
        int at = out.writerIndex();
        for (int i = digits - 1; i >= 0; i--) {
            out.setByte(at + i, (int) ('0' + v % 10));
            v /= 10;
        }
        out.writerIndex(at + digits);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
