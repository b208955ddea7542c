package io.rocketkube.broker.filter;

import java.util.List;
import java.util.Map;

/**
 * A compiled SQL92 message selector (grammar and semantics in {@link SqlParser}, {@link SqlNode},
 * {@link SqlValues}). Evaluates against a message's properties, the same map RocketMQ's filter sees: the
 * user properties plus the system ones stored with the message ({@code TAGS}, {@code KEYS}, {@code UNIQ_KEY},
 * ...), all as text.
 *
 * <p>Immutable and thread-safe.
 */
public final class SqlSelector {
    private final String text;
    private final SqlNode root;
    private final List<String> properties;

    private SqlSelector(String text, SqlNode root, List<String> properties) {
        this.text = text;
        this.root = root;
        this.properties = properties;
    }

    /**
     * @throws SqlSyntaxException if the text is not a selector RocketMQ compiles, or is longer or deeper than
     *                            the parser's bounds
     */
    public static SqlSelector compile(String text) throws SqlSyntaxException {
        SqlParser.Parsed parsed = SqlParser.parse(text);
        return new SqlSelector(text, parsed.root(), parsed.properties());
    }

    /** The property names the selector reads; {@link #matches(String[])} takes their values in this order. */
    public List<String> properties() {
        return properties;
    }

    /**
     * Whether a message whose values of {@link #properties()} are {@code values} (null when absent) matches.
     * Unknown (a missing property) and evaluation errors (text that is not a number where one is compared)
     * do not match, as in RocketMQ.
     */
    public boolean matches(String[] values) {
        try {
            return root.eval(values) == Boolean.TRUE;
        } catch (SqlNode.EvaluationError e) {
            return false;
        }
    }

    /** Convenience for tests and small callers: evaluates against a property map. */
    public boolean matches(Map<String, String> messageProperties) {
        String[] values = new String[properties.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = messageProperties.get(properties.get(i));
        }
        return matches(values);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
