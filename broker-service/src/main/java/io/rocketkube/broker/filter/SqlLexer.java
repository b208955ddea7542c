package io.rocketkube.broker.filter;

/**
 * Tokens of RocketMQ's selector grammar (4.9's {@code SelectorParser.jj} token section, plus the 5.x words
 * CONTAINS, STARTSWITH and ENDSWITH), produced on demand.
 *
 * <p>Lazily, on purpose: RocketMQ's generated parser never asks for end of input, so whatever follows a
 * complete expression is ignored as long as the one token it peeks at lexes. Lexing everything up front would
 * refuse selectors RocketMQ accepts.
 *
 * <pre>
 * skipped     ' ' '\t' '\n' '\r' '\f'; "--" up to and including a line end; C block comments
 * keyword     NOT AND OR BETWEEN IN TRUE FALSE NULL IS CONTAINS STARTSWITH ENDSWITH  (any case; an
 *             identifier only when the whole word matches, so "notes" is an identifier)
 * DECIMAL     "0" | [1-9][0-9]* [lL]?
 * FLOAT       [0-9]+ "." [0-9]* EXP? | "." [0-9]+ EXP? | [0-9]+ EXP      EXP = [eE] [+-]? [0-9]+
 * STRING      "'" ( "''" | any char but "'" )* "'"
 * ID          [a-zA-Z_$] [a-zA-Z0-9_$]*
 * operators   = &lt;&gt; &gt; &gt;= &lt; &lt;= ( ) , + -
 * </pre>
 * The longest match wins, as in JavaCC ({@code 5.5} is one FLOAT, {@code 5E} is DECIMAL 5 then ID E).
 *
 * <p>Not thread-safe; one per compilation.
 */
final class SqlLexer {
    enum Kind {
        NOT,
        AND,
        OR,
        BETWEEN,
        IN,
        TRUE,
        FALSE,
        NULL,
        IS,
        CONTAINS,
        STARTSWITH,
        ENDSWITH,
        DECIMAL,
        FLOAT,
        STRING,
        ID,
        EQ,
        NE,
        GT,
        GE,
        LT,
        LE,
        LPAREN,
        RPAREN,
        COMMA,
        PLUS,
        MINUS,
        EOF
    }

    /** One token; {@code text} is the literal's value for STRING (quotes removed, '' undone), else its image. */
    record Token(Kind kind, String text, int position) {}

    private static final Kind[] KEYWORDS = {
        Kind.NOT,
        Kind.AND,
        Kind.OR,
        Kind.BETWEEN,
        Kind.IN,
        Kind.TRUE,
        Kind.FALSE,
        Kind.NULL,
        Kind.IS,
        Kind.CONTAINS,
        Kind.STARTSWITH,
        Kind.ENDSWITH
    };

    private final String in;
    private int pos;

    SqlLexer(String in) {
        this.in = in;
    }

    Token next() throws SqlSyntaxException {
        skipIgnored();
        if (pos >= in.length()) {
            return new Token(Kind.EOF, "", pos);
        }
        int start = pos;
        char c = in.charAt(pos);
        if (isIdStart(c)) {
            while (pos < in.length() && isIdPart(in.charAt(pos))) {
                pos++;
            }
            String word = in.substring(start, pos);
            for (Kind k : KEYWORDS) {
                if (k.name().equalsIgnoreCase(word)) {
                    return new Token(k, word, start);
                }
            }
            return new Token(Kind.ID, word, start);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < in.length() && isDigit(in.charAt(pos + 1)))) {
            return number(start);
        }
        if (c == '\'') {
            return string(start);
        }
        pos++;
        switch (c) {
            case '=':
                return new Token(Kind.EQ, "=", start);
            case '(':
                return new Token(Kind.LPAREN, "(", start);
            case ')':
                return new Token(Kind.RPAREN, ")", start);
            case ',':
                return new Token(Kind.COMMA, ",", start);
            case '+':
                return new Token(Kind.PLUS, "+", start);
            case '-':
                return new Token(Kind.MINUS, "-", start);
            case '>':
                if (pos < in.length() && in.charAt(pos) == '=') {
                    pos++;
                    return new Token(Kind.GE, ">=", start);
                }
                return new Token(Kind.GT, ">", start);
            case '<':
                if (pos < in.length() && in.charAt(pos) == '=') {
                    pos++;
                    return new Token(Kind.LE, "<=", start);
                }
                if (pos < in.length() && in.charAt(pos) == '>') {
                    pos++;
                    return new Token(Kind.NE, "<>", start);
                }
                return new Token(Kind.LT, "<", start);
            default:
                throw new SqlSyntaxException("unexpected character '" + c + "' at position " + start);
        }
    }

    private void skipIgnored() throws SqlSyntaxException {
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                pos++;
            } else if (in.startsWith("--", pos) && lineEnd(pos + 2) >= 0) {
                // A "--" comment needs its line end; without one the dashes are two minus signs, as in JavaCC.
                pos = lineEnd(pos + 2) + 1;
            } else if (in.startsWith("/*", pos)) {
                int end = in.indexOf("*/", pos + 2);
                if (end < 0) {
                    throw new SqlSyntaxException("unterminated comment at position " + pos);
                }
                pos = end + 2;
            } else {
                return;
            }
        }
    }

    private int lineEnd(int from) {
        for (int i = from; i < in.length(); i++) {
            char c = in.charAt(i);
            if (c == '\n' || c == '\r') {
                return i;
            }
        }
        return -1;
    }

    private Token number(int start) {
        int digitsEnd = digits(start);
        int floatEnd = -1;
        if (digitsEnd < in.length() && in.charAt(digitsEnd) == '.') {
            floatEnd = exponent(digits(digitsEnd + 1));
        } else if (digitsEnd > start) {
            int withExponent = exponent(digitsEnd);
            if (withExponent > digitsEnd) {
                floatEnd = withExponent;
            }
        }
        if (floatEnd > 0) {
            pos = floatEnd;
            return new Token(Kind.FLOAT, in.substring(start, pos), start);
        }
        if (in.charAt(start) == '0') {
            pos = start + 1;
        } else {
            pos = digitsEnd;
            if (pos < in.length() && (in.charAt(pos) == 'l' || in.charAt(pos) == 'L')) {
                pos++;
            }
        }
        return new Token(Kind.DECIMAL, in.substring(start, pos), start);
    }

    private int digits(int from) {
        int i = from;
        while (i < in.length() && isDigit(in.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The end of an exponent starting at {@code from}, or {@code from} if there is none. */
    private int exponent(int from) {
        if (from >= in.length() || (in.charAt(from) != 'e' && in.charAt(from) != 'E')) {
            return from;
        }
        int i = from + 1;
        if (i < in.length() && (in.charAt(i) == '+' || in.charAt(i) == '-')) {
            i++;
        }
        int end = digits(i);
        return end > i ? end : from;
    }

    private Token string(int start) throws SqlSyntaxException {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (i < in.length()) {
            char c = in.charAt(i);
            if (c == '\'') {
                if (i + 1 < in.length() && in.charAt(i + 1) == '\'') {
                    value.append('\'');
                    i += 2;
                    continue;
                }
                pos = i + 1;
                return new Token(Kind.STRING, value.toString(), start);
            }
            value.append(c);
            i++;
        }
        throw new SqlSyntaxException("unterminated string starting at position " + start);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
    }

    private static boolean isIdPart(char c) {
        return isIdStart(c) || isDigit(c);
    }
}
