package io.rocketkube.broker.filter;

import io.rocketkube.broker.filter.SqlLexer.Kind;
import io.rocketkube.broker.filter.SqlLexer.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A recursive-descent parser for RocketMQ's SQL92 message selectors, written from the grammar of 4.9's
 * {@code rocketmq-filter} ({@code SelectorParser.jj}, itself ActiveMQ's JMS selector grammar without LIKE,
 * arithmetic and hex/octal literals), plus the CONTAINS, STARTSWITH and ENDSWITH of 5.x.
 *
 * <pre>
 * selector   := or
 * or         := and ( OR and )*
 * and        := equality ( AND equality )*
 * equality   := comparison ( '=' comparison | '&lt;&gt;' comparison | IS NULL | IS NOT NULL )*
 * comparison := unary ( ('&gt;' | '&gt;=' | '&lt;' | '&lt;=') unary
 *                     | [NOT] BETWEEN unary AND unary
 *                     | [NOT] IN '(' STRING ( ',' STRING )* ')'
 *                     | [NOT] (CONTAINS | STARTSWITH | ENDSWITH) STRING )*
 * unary      := '+' unary | '-' unary | NOT unary | primary
 * primary    := literal | ID | '(' or ')'
 * literal    := STRING | DECIMAL | FLOAT | TRUE | FALSE | NULL
 * </pre>
 *
 * Note what the grammar implies, as RocketMQ does: NOT binds tighter than comparisons ({@code NOT a > 5} is an
 * error, {@code NOT (a > 5)} is meant); {@code a <> b} is {@code NOT (a = b)}; {@code a BETWEEN x AND y} is
 * {@code a >= x AND a <= y} and {@code NOT BETWEEN} is {@code a < x OR a > y}; tokens after a complete
 * selector are ignored (the generated parser never asks for the end of input).
 *
 * <p>RocketMQ's compile-time checks are kept, each with a clear message: ordering operands must not be
 * string, boolean or NULL literals nor boolean expressions; {@code =} operands must not be the NULL literal,
 * nor a TRUE/FALSE literal on the left of another literal; IN needs a property on its left; a BETWEEN of two
 * literals needs both non-null and low &lt;= high; the selector and the operands of AND, OR and NOT must be
 * boolean expressions or bare properties; integer literals must fit a long (they are Integer when they fit
 * one); float literals must be positive and finite (RocketMQ compares against {@code Double.MIN_VALUE}, so
 * {@code 0.0} is refused there too).
 *
 * <p>Why hand-written: no maintained library has RocketMQ's semantics (string-to-number conversion by the
 * other side's type, three-valued logic, its literal typing), and JMS selector libraries (ActiveMQ's) drag in
 * a broker. Why bounded: a selector comes from any client; {@link #MAX_LENGTH} and {@link #MAX_DEPTH} make a
 * 1 MiB or 10,000-deep one a clear error instead of a StackOverflowError or seconds of work on a pool thread.
 *
 * <p>Not thread-safe; one per compilation ({@link SqlSelector#compile}).
 */
final class SqlParser {
    /** Longest selector accepted, in chars: ample for long IN lists, and a bound on per-message work. */
    static final int MAX_LENGTH = 32 * 1024;
    /**
     * Deepest nesting accepted, both of the parser's recursion (parentheses, unary operators) and of the tree
     * it builds (every operator adds a level; AND and OR chains are one level). Far below what a thread stack
     * takes, far above what a person writes.
     */
    static final int MAX_DEPTH = 100;

    private final SqlLexer lexer;
    private final Map<String, Integer> slots = new LinkedHashMap<>();
    /** Depth of every inner node built so far (leaves are 1); identity, since equal records may differ in depth. */
    private final Map<SqlNode, Integer> depths = new IdentityHashMap<>();

    private Token current;
    private Token lookahead;
    private int nesting;

    private SqlParser(String text) {
        this.lexer = new SqlLexer(text);
    }

    /** The compiled root and the properties it reads, in slot order. */
    record Parsed(SqlNode root, List<String> properties) {}

    static Parsed parse(String text) throws SqlSyntaxException {
        if (text == null || text.isBlank()) {
            throw new SqlSyntaxException("the selector is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new SqlSyntaxException(
                    "the selector is " + text.length() + " chars long, more than the " + MAX_LENGTH + " accepted");
        }
        SqlParser parser = new SqlParser(text);
        SqlNode root = parser.asBoolean(parser.or(), "the selector");
        // RocketMQ's parser peeks at the token after the selector before returning: it must lex.
        parser.peek();
        return new Parsed(root, List.copyOf(parser.slots.keySet()));
    }

    // ---- grammar -------------------------------------------------------------------------------------

    private SqlNode or() throws SqlSyntaxException {
        SqlNode first = and();
        if (peek().kind() != Kind.OR) {
            return first;
        }
        List<SqlNode> operands = new ArrayList<>();
        operands.add(asBoolean(first, "an OR operand"));
        while (peek().kind() == Kind.OR) {
            next();
            operands.add(asBoolean(and(), "an OR operand"));
        }
        return built(new SqlNode.Or(List.copyOf(operands)), operands);
    }

    private SqlNode and() throws SqlSyntaxException {
        SqlNode first = equality();
        if (peek().kind() != Kind.AND) {
            return first;
        }
        List<SqlNode> operands = new ArrayList<>();
        operands.add(asBoolean(first, "an AND operand"));
        while (peek().kind() == Kind.AND) {
            next();
            operands.add(asBoolean(equality(), "an AND operand"));
        }
        return built(new SqlNode.And(List.copyOf(operands)), operands);
    }

    private SqlNode equality() throws SqlSyntaxException {
        SqlNode left = comparison();
        while (true) {
            Token t = peek();
            if (t.kind() == Kind.EQ) {
                next();
                left = equal(left, comparison(), t);
            } else if (t.kind() == Kind.NE) {
                next();
                SqlNode eq = equal(left, comparison(), t);
                left = built(new SqlNode.Not(eq), List.of(eq));
            } else if (t.kind() == Kind.IS) {
                next();
                boolean not = peek().kind() == Kind.NOT;
                if (not) {
                    next();
                }
                expect(Kind.NULL, "NULL after IS");
                SqlNode isNull = built(new SqlNode.Equal(left, new SqlNode.Constant(null, true)), List.of(left));
                left = not ? built(new SqlNode.Not(isNull), List.of(isNull)) : isNull;
            } else {
                return left;
            }
        }
    }

    private SqlNode comparison() throws SqlSyntaxException {
        SqlNode left = unary();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case GT, GE, LT, LE -> {
                    next();
                    left = ordering(opOf(t.kind()), left, unary(), t);
                }
                case BETWEEN -> {
                    next();
                    left = between(left, false, t);
                }
                case IN -> {
                    next();
                    left = in(left, false, t);
                }
                case CONTAINS, STARTSWITH, ENDSWITH -> {
                    next();
                    left = textMatch(t.kind(), left, false);
                }
                case NOT -> {
                    // RocketMQ's LOOKAHEAD(2): NOT here must start NOT BETWEEN / NOT IN (/ 5.x's text tests).
                    next();
                    Token what = next();
                    switch (what.kind()) {
                        case BETWEEN -> left = between(left, true, what);
                        case IN -> left = in(left, true, what);
                        case CONTAINS, STARTSWITH, ENDSWITH -> left = textMatch(what.kind(), left, true);
                        default ->
                            throw error(
                                    "NOT after an operand must be followed by BETWEEN, IN, CONTAINS, "
                                            + "STARTSWITH or ENDSWITH",
                                    what);
                    }
                }
                default -> {
                    return left;
                }
            }
        }
    }

    private SqlNode unary() throws SqlSyntaxException {
        Token t = peek();
        switch (t.kind()) {
            case PLUS -> {
                next();
                enter(t);
                SqlNode operand = unary();
                nesting--;
                return operand;
            }
            case MINUS -> {
                next();
                enter(t);
                SqlNode operand = unary();
                nesting--;
                return built(new SqlNode.Negate(operand), List.of(operand));
            }
            case NOT -> {
                next();
                enter(t);
                SqlNode operand = unary();
                nesting--;
                SqlNode condition = asBoolean(operand, "the operand of NOT");
                return built(new SqlNode.Not(condition), List.of(condition));
            }
            default -> {
                return primary();
            }
        }
    }

    private SqlNode primary() throws SqlSyntaxException {
        Token t = next();
        switch (t.kind()) {
            case STRING:
                return new SqlNode.Constant(t.text(), false);
            case DECIMAL:
                return decimal(t);
            case FLOAT:
                return floating(t);
            case TRUE:
                return new SqlNode.Constant(Boolean.TRUE, true);
            case FALSE:
                return new SqlNode.Constant(Boolean.FALSE, true);
            case NULL:
                return new SqlNode.Constant(null, true);
            case ID:
                return new SqlNode.Property(t.text(), slots.computeIfAbsent(t.text(), n -> slots.size()));
            case LPAREN: {
                enter(t);
                SqlNode inner = or();
                expect(Kind.RPAREN, "')'");
                nesting--;
                return inner;
            }
            default:
                throw error("expected a literal, a property or '('", t);
        }
    }

    // ---- node construction with RocketMQ's compile-time checks -----------------------------------------

    private SqlNode equal(SqlNode left, SqlNode right, Token at) throws SqlSyntaxException {
        for (SqlNode side : List.of(left, right)) {
            if (side instanceof SqlNode.Constant c && c.value() == null) {
                throw error("NULL cannot be compared with '" + at.text() + "', use IS NULL", at);
            }
        }
        if (left instanceof SqlNode.Constant l
                && right instanceof SqlNode.Constant r
                && l.booleanLiteral()
                && !r.booleanLiteral()) {
            throw error("'" + l + "' cannot be compared with '" + r + "'", at);
        }
        return built(new SqlNode.Equal(left, right), List.of(left, right));
    }

    private SqlNode ordering(SqlNode.Op op, SqlNode left, SqlNode right, Token at) throws SqlSyntaxException {
        checkOrderable(left, at);
        checkOrderable(right, at);
        return built(new SqlNode.Ordering(op, left, right), List.of(left, right));
    }

    private void checkOrderable(SqlNode operand, Token at) throws SqlSyntaxException {
        if (operand instanceof SqlNode.Constant c && !(c.value() instanceof Number)) {
            throw error("'" + c + "' cannot be compared with '" + at.text() + "': only numbers can", at);
        }
        if (operand.isBoolean()) {
            throw error("a condition cannot be compared with '" + at.text() + "'", at);
        }
    }

    private SqlNode between(SqlNode value, boolean not, Token at) throws SqlSyntaxException {
        SqlNode low = unary();
        expect(Kind.AND, "AND in BETWEEN");
        SqlNode high = unary();
        if (not) {
            List<SqlNode> outside =
                    List.of(ordering(SqlNode.Op.LT, value, low, at), ordering(SqlNode.Op.GT, value, high, at));
            return built(new SqlNode.Or(outside), outside);
        }
        if (low instanceof SqlNode.Constant l && high instanceof SqlNode.Constant h) {
            if (l.value() == null || h.value() == null) {
                throw error("BETWEEN values cannot be NULL", at);
            }
            int order;
            try {
                order = SqlValues.compare(h.value(), l.value());
            } catch (SqlNode.EvaluationError e) {
                throw error("BETWEEN values " + l + " and " + h + " cannot be compared", at);
            }
            if (order < 0) {
                throw error("BETWEEN low value " + l + " must be less than or equal to high value " + h, at);
            }
        }
        List<SqlNode> inside =
                List.of(ordering(SqlNode.Op.GE, value, low, at), ordering(SqlNode.Op.LE, value, high, at));
        return built(new SqlNode.And(inside), inside);
    }

    private SqlNode in(SqlNode left, boolean not, Token at) throws SqlSyntaxException {
        expect(Kind.LPAREN, "'(' after IN");
        Set<String> values = new HashSet<>();
        values.add(expect(Kind.STRING, "a string in the IN list").text());
        while (peek().kind() == Kind.COMMA) {
            next();
            values.add(expect(Kind.STRING, "a string in the IN list").text());
        }
        expect(Kind.RPAREN, "')' closing the IN list");
        if (!(left instanceof SqlNode.Property p)) {
            throw error("IN needs a property on its left", at);
        }
        return new SqlNode.In(p, Set.copyOf(values), not);
    }

    private SqlNode textMatch(Kind kind, SqlNode left, boolean not) throws SqlSyntaxException {
        String search = expect(Kind.STRING, "a string after " + kind).text();
        return built(new SqlNode.TextMatch(SqlNode.TextOp.valueOf(kind.name()), left, search, not), List.of(left));
    }

    private SqlNode asBoolean(SqlNode node, String what) throws SqlSyntaxException {
        if (node.isBoolean()) {
            return node;
        }
        if (node instanceof SqlNode.Property) {
            return built(new SqlNode.BooleanCast(node), List.of(node));
        }
        throw new SqlSyntaxException(what + " does not result in a boolean value: " + describe(node));
    }

    private SqlNode decimal(Token t) throws SqlSyntaxException {
        String digits = t.text();
        if (digits.endsWith("l") || digits.endsWith("L")) {
            digits = digits.substring(0, digits.length() - 1);
        }
        long value;
        try {
            value = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("integer " + t.text() + " does not fit a long", t);
        }
        Object typed = value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? (Object) (int) value : (Object) value;
        return new SqlNode.Constant(typed, false);
    }

    private SqlNode floating(Token t) throws SqlSyntaxException {
        double value = Double.parseDouble(t.text());
        if (value > Double.MAX_VALUE) {
            throw error(t.text() + " is greater than " + Double.MAX_VALUE, t);
        }
        if (value < Double.MIN_VALUE) {
            throw error(t.text() + " is less than " + Double.MIN_VALUE + " (RocketMQ refuses it too)", t);
        }
        return new SqlNode.Constant(value, false);
    }

    // ---- tokens and limits -----------------------------------------------------------------------------

    private Token peek() throws SqlSyntaxException {
        if (lookahead == null) {
            lookahead = lexer.next();
        }
        return lookahead;
    }

    private Token next() throws SqlSyntaxException {
        current = peek();
        lookahead = null;
        return current;
    }

    private Token expect(Kind kind, String what) throws SqlSyntaxException {
        Token t = next();
        if (t.kind() != kind) {
            throw error("expected " + what, t);
        }
        return t;
    }

    /**
     * Records {@code node}'s depth (one more than its deepest child) and refuses it past {@link #MAX_DEPTH}:
     * chains such as {@code a = b = c} build left-deep trees without parser recursion, so the depth of what
     * is built is bounded here, which bounds evaluation's recursion.
     */
    private SqlNode built(SqlNode node, List<SqlNode> children) throws SqlSyntaxException {
        int deepest = 0;
        for (SqlNode child : children) {
            deepest = Math.max(deepest, depths.getOrDefault(child, 1));
        }
        if (deepest + 1 > MAX_DEPTH) {
            throw new SqlSyntaxException("the selector nests deeper than " + MAX_DEPTH + " levels, near position "
                    + (current == null ? 0 : current.position()));
        }
        depths.put(node, deepest + 1);
        return node;
    }

    private void enter(Token at) throws SqlSyntaxException {
        if (++nesting > MAX_DEPTH) {
            throw error("the selector nests deeper than " + MAX_DEPTH, at);
        }
    }

    private static SqlNode.Op opOf(Kind kind) {
        return switch (kind) {
            case GT -> SqlNode.Op.GT;
            case GE -> SqlNode.Op.GE;
            case LT -> SqlNode.Op.LT;
            default -> SqlNode.Op.LE;
        };
    }

    private static String describe(SqlNode node) {
        return node instanceof SqlNode.Negate ? "a negated value" : node.toString();
    }

    private static SqlSyntaxException error(String reason, Token at) {
        String found = at.kind() == Kind.EOF ? "the end" : "'" + at.text() + "'";
        return new SqlSyntaxException(reason + ", found " + found + " at position " + at.position());
    }
}
