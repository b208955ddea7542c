package io.rocketkube.broker.filter;

import java.util.List;
import java.util.Set;

/**
 * A node of a compiled selector, evaluated with RocketMQ 4.9's three-valued logic: {@code eval} returns
 * {@code Boolean.TRUE}, {@code Boolean.FALSE}, {@code null} (unknown: a property is missing), or, for
 * non-boolean nodes, the value. A message matches only when the root is {@code TRUE}.
 *
 * <p>AND and OR are n-ary (a chain {@code a OR b OR c} is one node, evaluated left to right with RocketMQ's
 * short-circuits), so a long chain costs no evaluation depth. Every other node's depth is bounded by the
 * parser (see {@link SqlParser}), so evaluation never recurses deeply.
 *
 * <p>Nodes are immutable and thread-safe; {@code props} holds the message's values of the selector's
 * properties, by slot (null when absent).
 */
sealed interface SqlNode {

    Object eval(String[] props);

    /** Nodes RocketMQ types as boolean expressions (they may be operands of AND, OR and NOT). */
    default boolean isBoolean() {
        return true;
    }

    /**
     * A value that makes the whole selector not match: a type error RocketMQ raises as an exception (and
     * its filter then answers "no match"). Preallocated and stackless; it is control flow, not a fault.
     */
    final class EvaluationError extends RuntimeException {
        static final EvaluationError INSTANCE = new EvaluationError();

        private EvaluationError() {
            super("selector evaluation error", null, false, false);
        }
    }

    /** A literal. {@code booleanLiteral} for TRUE, FALSE and NULL, which RocketMQ types as boolean expressions. */
    record Constant(Object value, boolean booleanLiteral) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            return value;
        }

        @Override
        public boolean isBoolean() {
            return booleanLiteral;
        }

        @Override
        public String toString() {
            if (value == null) {
                return "NULL";
            }
            return value instanceof String s
                    ? "'" + s.replace("'", "''") + "'"
                    : String.valueOf(value).toUpperCase();
        }
    }

    record Property(String name, int slot) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            return props[slot];
        }

        @Override
        public boolean isBoolean() {
            return false;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Unary minus: numbers negate; anything else (a property's text) is unknown. */
    record Negate(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object v = operand.eval(props);
            if (v instanceof Integer i) {
                return -i;
            }
            if (v instanceof Long l) {
                return -l;
            }
            if (v instanceof Double d) {
                return -d;
            }
            return null;
        }

        @Override
        public boolean isBoolean() {
            return false;
        }
    }

    record Not(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object v = operand.eval(props);
            return v == null ? null : (Boolean) v ? Boolean.FALSE : Boolean.TRUE;
        }
    }

    /** A bare property used as a condition: true only if its value is a boolean, which text never is. */
    record BooleanCast(SqlNode operand) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object v = operand.eval(props);
            if (v == null) {
                return null;
            }
            return v instanceof Boolean b ? b : Boolean.FALSE;
        }
    }

    record And(List<SqlNode> operands) implements SqlNode {
        /** FALSE as soon as one is FALSE; otherwise unknown if one is unknown; else TRUE. */
        @Override
        public Object eval(String[] props) {
            boolean unknown = false;
            for (SqlNode n : operands) {
                Object v = n.eval(props);
                if (v == null) {
                    unknown = true;
                } else if (!(Boolean) v) {
                    return Boolean.FALSE;
                }
            }
            return unknown ? null : Boolean.TRUE;
        }
    }

    record Or(List<SqlNode> operands) implements SqlNode {
        /** TRUE as soon as one is TRUE; otherwise unknown if one is unknown; else FALSE. */
        @Override
        public Object eval(String[] props) {
            boolean unknown = false;
            for (SqlNode n : operands) {
                Object v = n.eval(props);
                if (v == null) {
                    unknown = true;
                } else if ((Boolean) v) {
                    return Boolean.TRUE;
                }
            }
            return unknown ? null : Boolean.FALSE;
        }
    }

    /**
     * {@code =}, and {@code IS NULL} (an Equal with the NULL literal). Both sides are evaluated. Missing on
     * the left only: unknown; missing on the right only: FALSE; missing on both: TRUE.
     */
    record Equal(SqlNode left, SqlNode right) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object lv = left.eval(props);
            Object rv = right.eval(props);
            if (lv == null ^ rv == null) {
                return lv == null ? null : Boolean.FALSE;
            }
            if (lv == rv || lv.equals(rv)) {
                return Boolean.TRUE;
            }
            return SqlValues.compare(lv, rv) == 0 ? Boolean.TRUE : Boolean.FALSE;
        }
    }

    enum Op {
        GT,
        GE,
        LT,
        LE
    }

    /** {@code > >= < <=}: unknown if either side is missing; two strings compare as doubles or fail. */
    record Ordering(Op op, SqlNode left, SqlNode right) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object lv = left.eval(props);
            if (lv == null) {
                return null;
            }
            Object rv = right.eval(props);
            if (rv == null) {
                return null;
            }
            int c = lv instanceof String ls && rv instanceof String rs
                    ? SqlValues.compareAsDoubles(ls, rs)
                    : SqlValues.compare(lv, rv);
            boolean result = switch (op) {
                case GT -> c > 0;
                case GE -> c >= 0;
                case LT -> c < 0;
                case LE -> c <= 0;
            };
            return result ? Boolean.TRUE : Boolean.FALSE;
        }
    }

    /** {@code [NOT] IN ('x', ...)} on a property: unknown when it is missing. */
    record In(Property property, Set<String> values, boolean not) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            Object v = property.eval(props);
            if (!(v instanceof String s)) {
                return null;
            }
            return values.contains(s) ^ not ? Boolean.TRUE : Boolean.FALSE;
        }
    }

    enum TextOp {
        CONTAINS,
        STARTSWITH,
        ENDSWITH
    }

    /**
     * 5.x's {@code [NOT] CONTAINS|STARTSWITH|ENDSWITH 'x'}: FALSE (not unknown) when the value is missing or
     * the search text is empty, also for the NOT forms, as 5.x does.
     */
    record TextMatch(TextOp op, SqlNode operand, String search, boolean not) implements SqlNode {
        @Override
        public Object eval(String[] props) {
            if (search.isEmpty()) {
                return Boolean.FALSE;
            }
            if (!(operand.eval(props) instanceof String s)) {
                return Boolean.FALSE;
            }
            boolean found = switch (op) {
                case CONTAINS -> s.contains(search);
                case STARTSWITH -> s.startsWith(search);
                case ENDSWITH -> s.endsWith(search);
            };
            return found ^ not ? Boolean.TRUE : Boolean.FALSE;
        }
    }
}
