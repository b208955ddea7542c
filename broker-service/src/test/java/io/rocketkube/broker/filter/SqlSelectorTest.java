package io.rocketkube.broker.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The selector grammar and semantics, each case written from RocketMQ 4.9's documented behaviour (its
 * {@code rocketmq-filter} grammar and expression classes): three-valued logic, literal typing, string/number
 * conversion, the compile-time refusals, and our bounds on length and depth.
 */
class SqlSelectorTest {

    private static boolean eval(String sql, String... keyValues) throws SqlSyntaxException {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return SqlSelector.compile(sql).matches(props);
    }

    private static void refused(String sql) {
        assertThatThrownBy(() -> SqlSelector.compile(sql))
                .as(sql)
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageStartingWith("Invalid MessageSelector. ");
    }

    @Test
    void theFourSubscriptionsOfTheIssue() throws Exception {
        assertThat(eval("a > 5 AND b = 'x'", "a", "6", "b", "x")).isTrue();
        assertThat(eval("a > 5 AND b = 'x'", "a", "5", "b", "x")).isFalse();
        assertThat(eval("a > 5 AND b = 'x'", "a", "6", "b", "y")).isFalse();
        assertThat(eval("a > 5 AND b = 'x'", "b", "x")).isFalse();
        assertThat(eval("c IS NULL")).isTrue();
        assertThat(eval("c IS NULL", "c", "")).isFalse();
        assertThat(eval("c IS NOT NULL", "c", "1")).isTrue();
        assertThat(eval("d IN ('p','q')", "d", "q")).isTrue();
        assertThat(eval("d IN ('p','q')", "d", "r")).isFalse();
        assertThat(eval("d IN ('p','q')")).isFalse();
        assertThat(eval("e BETWEEN 1 AND 3", "e", "1")).isTrue();
        assertThat(eval("e BETWEEN 1 AND 3", "e", "3")).isTrue();
        assertThat(eval("e BETWEEN 1 AND 3", "e", "4")).isFalse();
        assertThat(eval("e BETWEEN 1 AND 3", "e", "0")).isFalse();
    }

    @Test
    void aMissingPropertyIsUnknownAndUnknownNeverMatchesEvenNegated() throws Exception {
        assertThat(eval("a = 'x'")).isFalse();
        assertThat(eval("a <> 'x'")).isFalse();
        assertThat(eval("NOT (a = 'x')")).isFalse();
        assertThat(eval("a > 1")).isFalse();
        assertThat(eval("NOT (a > 1)")).isFalse();
        assertThat(eval("a NOT IN ('x')")).isFalse();
        assertThat(eval("a NOT BETWEEN 1 AND 2")).isFalse();
        assertThat(eval("a = 'x' OR b = 'y'", "b", "y")).isTrue();
        assertThat(eval("a = 'x' OR TRUE")).isTrue();
        assertThat(eval("a = 'x' AND FALSE")).isFalse();
        assertThat(eval("NOT (a = 'x' AND FALSE)")).isTrue();
        assertThat(eval("NOT (a = 'x' OR FALSE)")).isFalse();
        // NULL on the right of IS NULL only: equality with both sides missing is TRUE.
        assertThat(eval("a = b")).isTrue();
        assertThat(eval("a = b", "a", "1")).isFalse();
    }

    @Test
    void numbersCompareAcrossTypesAndPropertiesAreParsedAsTheOtherSidesType() throws Exception {
        assertThat(eval("a = 5", "a", "5")).isTrue();
        assertThat(eval("a > 5.5", "a", "6")).isTrue();
        assertThat(eval("a >= 5.0E0", "a", "5")).isTrue();
        assertThat(eval("a < 10000000000", "a", "9999999999")).isTrue();
        assertThat(eval("a > -3", "a", "-2")).isTrue();
        assertThat(eval("a > 2L", "a", "3")).isTrue();
        assertThat(eval("5 < a", "a", "6")).isTrue();
        assertThat(eval("1 = 1.0")).isTrue();
        assertThat(eval("2147483648 > 2147483647")).isTrue();
        // Against an integer literal the property is parsed as an Integer: a decimal fraction is an error.
        assertThat(eval("a > 5", "a", "5.5")).isFalse();
        assertThat(eval("a < 6", "a", "5.5")).isFalse();
        // An error poisons the whole selector, not just its operand.
        assertThat(eval("a > 5 OR b = 'x'", "a", "oops", "b", "x")).isFalse();
        assertThat(eval("b = 'x' OR a > 5", "a", "oops", "b", "x")).isTrue();
        // Two properties under an ordering compare as doubles.
        assertThat(eval("a > b", "a", "10", "b", "9.5")).isTrue();
        assertThat(eval("a > b", "a", "x", "b", "y")).isFalse();
        // Text equality is exact; a number literal against text that is not a number does not match.
        assertThat(eval("a = '05'", "a", "5")).isFalse();
        assertThat(eval("a = 5", "a", "05")).isTrue();
        assertThat(eval("a = 5", "a", "five")).isFalse();
    }

    @Test
    void booleansAndBareProperties() throws Exception {
        assertThat(eval("TRUE")).isTrue();
        assertThat(eval("FALSE")).isFalse();
        assertThat(eval("NULL")).isFalse();
        assertThat(eval("a = TRUE", "a", "true")).isTrue();
        assertThat(eval("a = TRUE", "a", "yes")).isFalse();
        // A boolean literal on the left of a property is an evaluation error in RocketMQ (it casts it to text).
        assertThat(eval("TRUE = a", "a", "true")).isFalse();
        // A bare property is a condition that text never satisfies.
        assertThat(eval("a", "a", "true")).isFalse();
        assertThat(eval("NOT a", "a", "true")).isTrue();
        assertThat(eval("NOT a")).isFalse();
        assertThat(eval("(a > 1) = TRUE", "a", "2")).isTrue();
    }

    @Test
    void betweenInAndTheirNegations() throws Exception {
        assertThat(eval("e NOT BETWEEN 1 AND 3", "e", "4")).isTrue();
        assertThat(eval("e NOT BETWEEN 1 AND 3", "e", "2")).isFalse();
        assertThat(eval("e BETWEEN -1 AND 1", "e", "0")).isTrue();
        assertThat(eval("e BETWEEN 1.0 AND 2.5", "e", "2.5")).isTrue();
        // The low bound is an integer, so the property is parsed as one: "2.5" fails and does not match.
        assertThat(eval("e BETWEEN 1 AND 2.5", "e", "2.5")).isFalse();
        assertThat(eval("d NOT IN ('p','q')", "d", "r")).isTrue();
        assertThat(eval("d NOT IN ('p','q')", "d", "p")).isFalse();
        assertThat(eval("d IN ('it''s')", "d", "it's")).isTrue();
        assertThat(eval("(d) IN ('p')", "d", "p")).isTrue();
    }

    @Test
    void the5xTextOperators() throws Exception {
        assertThat(eval("s CONTAINS 'ell'", "s", "hello")).isTrue();
        assertThat(eval("s STARTSWITH 'he'", "s", "hello")).isTrue();
        assertThat(eval("s ENDSWITH 'lo'", "s", "hello")).isTrue();
        assertThat(eval("s NOT CONTAINS 'x'", "s", "hello")).isTrue();
        assertThat(eval("s NOT CONTAINS 'x'")).isFalse();
        assertThat(eval("s CONTAINS ''", "s", "hello")).isFalse();
    }

    @Test
    void keywordsAreCaseInsensitiveAndPropertyNamesAreNot() throws Exception {
        assertThat(eval("a > 1 and b Is not NuLL", "a", "2", "b", "x")).isTrue();
        assertThat(eval("A = 'x'", "a", "x")).isFalse();
        assertThat(eval("notes = 'x' AND $d_1 = 'y'", "notes", "x", "$d_1", "y"))
                .isTrue();
        assertThat(eval("TAGS = 'TagA' OR KEYS = 'k1'", "TAGS", "TagA")).isTrue();
    }

    @Test
    void precedenceIsOrThenAndThenEqualityThenComparison() throws Exception {
        assertThat(eval("a = 1 OR b = 1 AND c = 1", "a", "1", "b", "0", "c", "0"))
                .isTrue();
        assertThat(eval("(a = 1 OR b = 1) AND c = 1", "a", "1", "b", "0", "c", "0"))
                .isFalse();
        assertThat(eval("a > 1 = TRUE", "a", "2")).isTrue();
    }

    @Test
    void commentsAndWhitespace() throws Exception {
        assertThat(eval("a = 1 /* one */ AND\n\tb = 2 -- two\n", "a", "1", "b", "2"))
                .isTrue();
    }

    @Test
    void tokensAfterACompleteSelectorAreIgnoredAsRocketMqDoes() throws Exception {
        assertThat(eval("a = 'x' b", "a", "x")).isTrue();
        assertThat(eval("a = 'x' ) whatever #", "a", "x")).isTrue();
        // ...but the next token must lex, and a NOT there must start NOT BETWEEN/IN.
        refused("a = 'x' #");
        refused("a = 'x' NOT b");
    }

    @Test
    void rocketMqsCompileTimeRefusals() {
        refused("");
        refused("   ");
        refused("a >");
        refused("a = 'x");
        refused("a == 1");
        refused("a != 1");
        refused("a = NULL");
        refused("NULL = a");
        refused("a > 'x'");
        refused("a > TRUE");
        refused("a > (b = 1)");
        refused("NOT a > 5");
        refused("TRUE = 1");
        refused("e BETWEEN 3 AND 1");
        refused("e BETWEEN NULL AND 1");
        refused("e BETWEEN 'a' AND 'b'");
        refused("'x' IN ('x')");
        refused("d IN (1, 2)");
        refused("d IN ()");
        refused("5");
        refused("'x'");
        refused("-a");
        refused("a AND 5");
        refused("a > 0.0");
        refused("a > 9223372036854775808");
        refused("(a = 1");
        refused("a.b = 1");
        refused("/* open");
        refused("a IS 5");
    }

    @Test
    @Timeout(5)
    void nestingTenThousandDeepIsRefusedNotAStackOverflow() {
        String deepParens = "(".repeat(10_000) + "a = 1" + ")".repeat(10_000);
        assertThatThrownBy(() -> SqlSelector.compile(deepParens))
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageContaining("deeper than");
        String deepNots = "NOT ".repeat(7_000) + "a = 1";
        assertThatThrownBy(() -> SqlSelector.compile(deepNots))
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageContaining("deeper than");
        String deepMinus = "a > " + "-".repeat(5_000) + "1";
        assertThatThrownBy(() -> SqlSelector.compile(deepMinus))
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageContaining("deeper than");
        String chain = "a" + " = a".repeat(3_000);
        assertThatThrownBy(() -> SqlSelector.compile(chain))
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageContaining("deeper than");
    }

    @Test
    void justUnderTheDepthLimitCompilesAndEvaluates() throws Exception {
        String nested = "(".repeat(SqlParser.MAX_DEPTH - 5) + "a = 1" + ")".repeat(SqlParser.MAX_DEPTH - 5);
        assertThat(eval(nested, "a", "1")).isTrue();
    }

    @Test
    @Timeout(5)
    void aLongOrChainIsFlatAndAOneMebibyteSelectorIsRefusedByLength() throws Exception {
        StringBuilder ors = new StringBuilder("a = 0");
        for (int i = 1; i < 2_000; i++) {
            ors.append(" OR a = ").append(i);
        }
        assertThat(ors.length()).isLessThan(SqlParser.MAX_LENGTH);
        assertThat(eval(ors.toString(), "a", "1999")).isTrue();
        String huge = "a = '" + "x".repeat(1024 * 1024) + "'";
        assertThatThrownBy(() -> SqlSelector.compile(huge))
                .isInstanceOf(SqlSyntaxException.class)
                .hasMessageContaining("chars long");
    }

    @Test
    void theSelectorListsThePropertiesItReads() throws Exception {
        assertThat(SqlSelector.compile("a > 1 AND (b = 'x' OR a < 9) AND c IS NULL")
                        .properties())
                .containsExactly("a", "b", "c");
    }
}
