package io.rocketkube.client.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The body a consumer answers GET_CONSUMER_STATUS_FROM_CLIENT (221) with, and the one the broker answers
 * INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, the tools API's {@code getConsumeStatus}) with: a consumer's offsets per
 * queue, and those of every asked consumer under its client id.
 *
 * <pre>
 * client (221):  {"consumerTable":{},"messageQueueTable":{{"brokerName":"b","queueId":0,"topic":"T"}:5,...}}
 * broker (223):  {"consumerTable":{"&lt;clientId&gt;":&lt;that client's messageQueueTable, as it wrote it&gt;,...},
 *                 "messageQueueTable":{}}
 * </pre>
 *
 * <p>Why text, not a parsed map: the clients write it with fastjson, whose {@code MessageQueue} map keys are JSON
 * objects in key position, which no standard JSON parser reads (docs/protocol.md §3.1). The broker never needs
 * the queues, only to pass each client's table on under its client id, and the tools read that nested fastjson
 * form back as the reference broker writes it. So a client's table is lifted out of its answer as the exact text
 * of that property's value, and written back in place. The scan honours strings (with escapes) and nesting, so
 * nothing inside a value can end it early; a body that is not an object with string property names at its top
 * level, or that ends inside a value, is refused.
 *
 * <p>Stateless; thread-safe.
 */
public final class GetConsumerStatusBody {
    private static final String QUEUE_TABLE = "messageQueueTable";
    private static final byte[] GATHERED_START = "{\"consumerTable\":{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GATHERED_END = "},\"messageQueueTable\":{}}".getBytes(StandardCharsets.US_ASCII);

    private GetConsumerStatusBody() {}

    /**
     * The {@code messageQueueTable} object of a consumer's answer, as it wrote it; empty if the answer has none.
     *
     * @throws IllegalArgumentException if the body is not a JSON-like object, ends inside a value, or its table is
     *     not an object
     */
    public static Optional<byte[]> messageQueueTable(byte[] clientAnswer) {
        Optional<byte[]> table = property(clientAnswer, QUEUE_TABLE);
        if (table.isPresent() && table.get()[0] != '{') {
            throw malformed(QUEUE_TABLE + " is not an object", 0);
        }
        return table;
    }

    /** The broker's answer: each client id with its table (as {@link #messageQueueTable} returned it). */
    public static byte[] gathered(Map<String, byte[]> tablesByClientId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(GATHERED_START);
        boolean first = true;
        for (Map.Entry<String, byte[]> e : new TreeMap<>(tablesByClientId).entrySet()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.writeBytes(quoted(e.getKey()));
            out.write(':');
            out.writeBytes(e.getValue());
        }
        out.writeBytes(GATHERED_END);
        return out.toByteArray();
    }

    /**
     * The raw value of a top-level property of a JSON-like object, whitespace around it left out. The whole
     * object is scanned, so a body cut short after the property is refused too.
     */
    static Optional<byte[]> property(byte[] json, String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        byte[] found = null;
        int i = skipWhitespace(json, 0);
        if (i >= json.length || json[i] != '{') {
            throw malformed("not an object", i);
        }
        i = skipWhitespace(json, i + 1);
        boolean more = i >= json.length || json[i] != '}';
        while (more) {
            if (i >= json.length || json[i] != '"') {
                throw malformed("property name expected", i);
            }
            int nameEnd = stringEnd(json, i);
            boolean match = Arrays.equals(json, i + 1, nameEnd - 1, wanted, 0, wanted.length);
            i = skipWhitespace(json, nameEnd);
            if (i >= json.length || json[i] != ':') {
                throw malformed("':' expected", i);
            }
            int valueStart = skipWhitespace(json, i + 1);
            int valueEnd = valueEnd(json, valueStart);
            if (match && found == null) {
                found = Arrays.copyOfRange(json, valueStart, trimEnd(json, valueStart, valueEnd));
            }
            i = skipWhitespace(json, valueEnd);
            if (i < json.length && json[i] == ',') {
                i = skipWhitespace(json, i + 1);
            } else if (i < json.length && json[i] == '}') {
                more = false;
            } else {
                throw malformed("',' or '}' expected", i);
            }
        }
        if (skipWhitespace(json, i + 1) < json.length) {
            throw malformed("trailing bytes", i + 1);
        }
        return Optional.ofNullable(found);
    }

    /**
     * Where the value starting at {@code start} ends: after its closing bracket or quote, or at the ',' or '}' after
     * a bare value. Brackets must pair ({@code {"a":1]} is refused), and a bare value anywhere inside must be a
     * number or {@code true}, {@code false}, {@code null}, so that what is passed on is JSON-like throughout.
     */
    private static int valueEnd(byte[] json, int start) {
        if (start >= json.length) {
            throw malformed("value expected", start);
        }
        byte[] open = new byte[64];
        int depth = 0;
        int i = start;
        while (i < json.length) {
            byte c = json[i];
            if (c == '"') {
                i = stringEnd(json, i);
                if (depth == 0) {
                    return i;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                if (depth == open.length) {
                    throw malformed("nested too deep", i);
                }
                open[depth++] = c == '{' ? (byte) '}' : (byte) ']';
            } else if (c == '}' || c == ']' || c == ',') {
                if (depth == 0) {
                    // A bare value (number, literal) ends here; none at all is an error.
                    if (i == start) {
                        throw malformed("value expected", i);
                    }
                    return i;
                }
                if (c != ',') {
                    if (open[depth - 1] != c) {
                        throw malformed("'" + (char) open[depth - 1] + "' expected", i);
                    }
                    if (--depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c != ':' && !isWhitespace(c) && !isBareValueByte(c)) {
                throw malformed("unexpected '" + (char) c + "'", i);
            }
            i++;
        }
        throw malformed("value not closed", i);
    }

    /** A byte of a number or of true, false, null. */
    private static boolean isBareValueByte(byte c) {
        return (c >= '0' && c <= '9')
                || c == '-'
                || c == '+'
                || c == '.'
                || c == 'e'
                || c == 'E'
                || c == 't'
                || c == 'r'
                || c == 'u'
                || c == 'f'
                || c == 'a'
                || c == 'l'
                || c == 's'
                || c == 'n';
    }

    /** Just past the closing quote of the string whose opening quote is at {@code quote}. */
    private static int stringEnd(byte[] json, int quote) {
        for (int i = quote + 1; i < json.length; i++) {
            if (json[i] == '\\') {
                i++;
            } else if (json[i] == '"') {
                return i + 1;
            }
        }
        throw malformed("string not closed", quote);
    }

    private static int skipWhitespace(byte[] json, int i) {
        while (i < json.length && isWhitespace(json[i])) {
            i++;
        }
        return i;
    }

    private static int trimEnd(byte[] json, int start, int end) {
        while (end > start && isWhitespace(json[end - 1])) {
            end--;
        }
        return end;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static byte[] quoted(String text) {
        try {
            return RemotingJson.mapper().writeValueAsBytes(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IllegalArgumentException malformed(String what, int at) {
        return new IllegalArgumentException("malformed consumer status body: " + what + " at byte " + at);
    }
}
