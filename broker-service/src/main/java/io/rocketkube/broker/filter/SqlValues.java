package io.rocketkube.broker.filter;

/**
 * How RocketMQ 4.9's selector compares two values ({@code ComparisonExpression.__compare} with its
 * string conversion on, which is how the broker always compiles). Values are {@code Integer}, {@code Long},
 * {@code Double} (literals), {@code Boolean} (literals and sub-expressions) and {@code String} (literals and
 * every message property: properties are text).
 *
 * <ul>
 *   <li>Same type: natural order (strings lexicographically, but see {@link SqlNode.Ordering}).</li>
 *   <li>Numbers of different types widen (Integer → Long → Double).</li>
 *   <li>A string against a number is parsed as that number's type with Java's {@code valueOf}: "5" against 5
 *       is 5, "5.5" against the integer 5 is an error (RocketMQ parses it as an Integer), "6" against 5.5 is
 *       6.0.</li>
 *   <li>A string against a boolean is {@code Boolean.valueOf(string)}; a boolean on the left against a string
 *       is an error (RocketMQ casts the boolean to a string and fails).</li>
 *   <li>Anything else (a boolean against a number) compares as "less", i.e. never equal.</li>
 * </ul>
 * An error is an {@link SqlNode.EvaluationError}: the whole selector then does not match the message, as
 * RocketMQ's filter treats an exception.
 */
final class SqlValues {
    private SqlValues() {}

    static int compare(Object lv, Object rv) {
        if (lv.getClass() != rv.getClass()) {
            try {
                if (lv instanceof Boolean) {
                    if (rv instanceof String) {
                        throw SqlNode.EvaluationError.INSTANCE;
                    }
                    return -1;
                } else if (lv instanceof Integer i) {
                    if (rv instanceof Long) {
                        lv = (long) i;
                    } else if (rv instanceof Double) {
                        lv = (double) i;
                    } else if (rv instanceof String s) {
                        rv = Integer.valueOf(s);
                    } else {
                        return -1;
                    }
                } else if (lv instanceof Long l) {
                    if (rv instanceof Integer r) {
                        rv = (long) r;
                    } else if (rv instanceof Double) {
                        lv = (double) l;
                    } else if (rv instanceof String s) {
                        rv = Long.valueOf(s);
                    } else {
                        return -1;
                    }
                } else if (lv instanceof Double) {
                    if (rv instanceof Integer r) {
                        rv = (double) r;
                    } else if (rv instanceof Long r) {
                        rv = (double) r;
                    } else if (rv instanceof String s) {
                        rv = Double.valueOf(s);
                    } else {
                        return -1;
                    }
                } else if (lv instanceof String s) {
                    if (rv instanceof Boolean) {
                        lv = Boolean.valueOf(s);
                    } else if (rv instanceof Integer) {
                        lv = Integer.valueOf(s);
                    } else if (rv instanceof Long) {
                        lv = Long.valueOf(s);
                    } else if (rv instanceof Double) {
                        lv = Double.valueOf(s);
                    } else {
                        return -1;
                    }
                } else {
                    return -1;
                }
            } catch (NumberFormatException e) {
                throw SqlNode.EvaluationError.INSTANCE;
            }
        }
        return compareSameType(lv, rv);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareSameType(Object lv, Object rv) {
        return ((Comparable) lv).compareTo(rv);
    }

    /** Two strings under an ordering operator: both as doubles, else an error (RocketMQ refuses to order text). */
    static int compareAsDoubles(String lv, String rv) {
        try {
            return Double.valueOf(lv).compareTo(Double.valueOf(rv));
        } catch (NumberFormatException e) {
            throw SqlNode.EvaluationError.INSTANCE;
        }
    }
}
