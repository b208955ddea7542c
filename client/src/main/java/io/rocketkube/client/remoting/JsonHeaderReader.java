package io.rocketkube.client.remoting;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The fast path of JSON header decoding: the shape every RocketMQ client and our own writer send (no
 * whitespace, the known keys, integers as numbers, strings with ASCII and escapes, ext values as strings).
 * Anything else (whitespace, non-ASCII bytes, an unknown key, a number as a string, null, a malformed
 * frame) makes it give up and return null, and the caller parses the header with Jackson, whose leniency and
 * error messages stay the contract. So this reader never has to be lenient or report an error itself; it
 * only has to accept nothing that Jackson would read differently.
 *
 * <p>Why it exists: Jackson's parser costs a parser, a symbol-table lookup per name and its buffer recycling
 * per frame, on the I/O thread of every connection.
 */
final class JsonHeaderReader {
    /** The ext keys of RocketMQ's compact send header ("a" to "n") and other one-letter keys, shared. */
    private static final String[] ONE_LETTER = new String[128];

    static {
        for (int c = 0x20; c < 0x7F; c++) {
            ONE_LETTER[c] = String.valueOf((char) c).intern();
        }
    }

    private final byte[] in;
    private final int end;
    private int at;
    /** The last {@link #readInt()}. */
    private int number;

    private int code;
    private int version;
    private int opaque;
    private int flag;
    private String remark;
    private LanguageCode language = LanguageCode.JAVA;
    private Map<String, String> extFields;
    private boolean sawCode;

    private JsonHeaderReader(byte[] in, int offset, int length) {
        this.in = in;
        this.at = offset;
        this.end = offset + length;
    }

    /** The command, or null when the header is not in the fast shape (the caller falls back to Jackson). */
    static RemotingCommand read(byte[] header, int offset, int length) {
        return new JsonHeaderReader(header, offset, length).read();
    }

    private RemotingCommand read() {
        if (!take('{')) {
            return null;
        }
        do {
            int nameStart = at + 1;
            int nameEnd = skipPlainName();
            if (nameEnd < 0 || !take(':') || !readField(nameStart, nameEnd - nameStart)) {
                return null;
            }
        } while (take(','));
        if (!take('}') || at != end || !sawCode) {
            return null;
        }
        return RemotingCommand.decoded(code, language, version, opaque, flag, remark, extFields, SerializeType.JSON);
    }

    /** Reads the value of the key at {@code name}; false for an unknown key or a value not in the fast shape. */
    private boolean readField(int name, int length) {
        if (is(name, length, "code")) {
            sawCode = readInt();
            code = number;
            return sawCode;
        }
        if (is(name, length, "opaque")) {
            boolean ok = readInt();
            opaque = number;
            return ok;
        }
        if (is(name, length, "flag")) {
            boolean ok = readInt();
            flag = number;
            return ok;
        }
        if (is(name, length, "version")) {
            boolean ok = readInt();
            version = number;
            return ok;
        }
        if (is(name, length, "remark")) {
            remark = readString();
            return remark != null;
        }
        if (is(name, length, "language")) {
            String text = readString();
            language = LanguageCode.ofName(text);
            return text != null;
        }
        if (is(name, length, "extFields")) {
            extFields = readExtFields();
            return extFields != null;
        }
        // serializeTypeCurrentRPC: informational, skipped as Jackson's path skips it; a string only.
        return is(name, length, "serializeTypeCurrentRPC") && readString() != null;
    }

    /** An int as JSON writes it (no leading zero, no fraction or exponent) into {@link #number}, or false. */
    private boolean readInt() {
        boolean negative = take('-');
        int start = at;
        long value = 0;
        while (at < end && in[at] >= '0' && in[at] <= '9') {
            value = value * 10 + (in[at] - '0');
            at++;
            if (at - start > 10) {
                return false;
            }
        }
        int digits = at - start;
        if (digits == 0 || (digits > 1 && in[start] == '0')) {
            return false;
        }
        if (at < end && (in[at] == '.' || in[at] == 'e' || in[at] == 'E')) {
            return false;
        }
        value = negative ? -value : value;
        number = (int) value;
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }

    /** {@code {"k":"v",...}} with string values only, or null. */
    private Map<String, String> readExtFields() {
        if (!take('{')) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        if (take('}')) {
            return fields;
        }
        do {
            String key = readString();
            if (key == null || !take(':')) {
                return null;
            }
            String value = readString();
            if (value == null) {
                return null;
            }
            fields.put(key, value);
        } while (take(','));
        return take('}') ? fields : null;
    }

    /** A quoted name without escapes; returns the index of its closing quote and moves past it, or -1. */
    private int skipPlainName() {
        if (!take('"')) {
            return -1;
        }
        while (at < end) {
            byte b = in[at];
            if (b == '"') {
                return at++;
            }
            if (b == '\\' || b < 0x20) {
                return -1;
            }
            at++;
        }
        return -1;
    }

    /** A quoted ASCII string, escapes decoded; null for anything else (null, a number, non-ASCII bytes). */
    private String readString() {
        if (!take('"')) {
            return null;
        }
        int start = at;
        while (at < end) {
            byte b = in[at];
            if (b == '"') {
                int length = at - start;
                at++;
                if (length == 1 && ONE_LETTER[in[start]] != null) {
                    return ONE_LETTER[in[start]];
                }
                return new String(in, start, length, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\') {
                return readEscapedString(start);
            }
            if (b < 0x20) {
                // b < 0 is a non-ASCII byte: its UTF-8 decoding is Jackson's to do.
                return null;
            }
            at++;
        }
        return null;
    }

    /** The rest of a string from its first backslash, which {@code at} points at. */
    private String readEscapedString(int start) {
        StringBuilder text = new StringBuilder(at - start + 16);
        text.append(new String(in, start, at - start, StandardCharsets.ISO_8859_1));
        while (at < end) {
            byte b = in[at++];
            if (b == '"') {
                return text.toString();
            }
            if (b < 0x20) {
                return null;
            }
            if (b != '\\') {
                text.append((char) b);
                continue;
            }
            if (at >= end) {
                return null;
            }
            byte escaped = in[at++];
            switch (escaped) {
                case '"', '\\', '/' -> text.append((char) escaped);
                case 'b' -> text.append('\b');
                case 'f' -> text.append('\f');
                case 'n' -> text.append('\n');
                case 'r' -> text.append('\r');
                case 't' -> text.append('\t');
                case 'u' -> {
                    if (at + 4 > end) {
                        return null;
                    }
                    int c = 0;
                    for (int i = 0; i < 4; i++) {
                        int digit = Character.digit(in[at++], 16);
                        if (digit < 0) {
                            return null;
                        }
                        c = c << 4 | digit;
                    }
                    text.append((char) c);
                }
                default -> {
                    return null;
                }
            }
        }
        return null;
    }

    private boolean take(char expected) {
        if (at < end && in[at] == expected) {
            at++;
            return true;
        }
        return false;
    }

    private boolean is(int start, int length, String name) {
        if (length != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (in[start + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
