package io.rocketkube.broker.filter;

import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.remoting.RequestRejectedException;
import io.rocketkube.store.MessageFilter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiled SQL92 selectors of consumer groups, one per (group, topic): what RocketMQ 4.9 keeps in its
 * {@code ConsumerFilterManager}. A heartbeat compiles its groups' SQL92 subscriptions ({@link #register}); a
 * pull finds the compiled selector here ({@link #forPull}), compiling only when the expression changed.
 *
 * <p>A selector that does not compile is remembered as such, with its reason. The heartbeat is still accepted,
 * as RocketMQ accepts it: one bad subscription must not unregister the client's other groups, and the
 * official client has already been told at start through CHECK_CLIENT_CONFIG. Pulls of that subscription
 * are then refused: FILTER_DATA_NOT_EXIST (27) for the registered subscription, SUBSCRIPTION_PARSE_FAILED
 * (23) for a selector carried by the pull itself, each with the reason in the remark.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} (group, topic) pairs are kept; past that the table is cleared
 * (recompiling is cheap; a client that invents groups must not grow it without end).
 *
 * <p>Thread-safe.
 */
public final class ConsumerFilters {
    public static final String EXPRESSION_SQL92 = "SQL92";
    static final int MAX_ENTRIES = 16_384;
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerFilters.class);

    private final boolean enabled;
    private final Map<Key, Compiled> table = new ConcurrentHashMap<>();

    /** @param enabled RocketMQ's {@code enablePropertyFilter}: whether SQL92 subscriptions are served at all */
    public ConsumerFilters(boolean enabled) {
        this.enabled = enabled;
    }

    private record Key(String group, String topic) {}

    /** One expression's compilation: a filter, or why there is none. */
    public record Compiled(String expression, SqlMessageFilter filter, String error) {
        public boolean ok() {
            return filter != null;
        }
    }

    public static boolean isSql92(String expressionType) {
        return EXPRESSION_SQL92.equals(expressionType);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Compiles the SQL92 subscriptions of a heartbeat's consumer group that changed since the last one; a bad
     * one is logged (once per change, not every 30 s heartbeat), not thrown.
     */
    public void register(String group, Collection<SubscriptionData> subscriptions) {
        for (SubscriptionData subscription : subscriptions) {
            if (!isSql92(subscription.expressionType())) {
                continue;
            }
            String expression = subscription.subString() == null ? "" : subscription.subString();
            Compiled known = table.get(new Key(group, subscription.topic()));
            if (known != null && known.expression().equals(expression)) {
                continue;
            }
            Compiled compiled = compiled(group, subscription.topic(), expression);
            if (!compiled.ok()) {
                LOG.warn(
                        "consumer group {} subscribes topic {} with a SQL92 selector that does not compile, its "
                                + "pulls will be refused: {}",
                        group,
                        subscription.topic(),
                        compiled.error());
            }
        }
    }

    /** The compiled form of {@code expression} for (group, topic), from the table when it is the same text. */
    public Compiled compiled(String group, String topic, String rawExpression) {
        String expression = rawExpression == null ? "" : rawExpression;
        Key key = new Key(group, topic);
        Compiled known = table.get(key);
        if (known != null && known.expression().equals(expression)) {
            return known;
        }
        Compiled fresh = compile(expression);
        if (table.size() >= MAX_ENTRIES) {
            table.clear();
        }
        table.put(key, fresh);
        return fresh;
    }

    /** Compiles without remembering (CHECK_CLIENT_CONFIG). */
    public static Compiled compile(String expression) {
        String text = expression == null ? "" : expression;
        try {
            return new Compiled(text, new SqlMessageFilter(SqlSelector.compile(text)), null);
        } catch (SqlSyntaxException e) {
            return new Compiled(text, null, e.getMessage());
        }
    }

    /**
     * The store filter for a pull of (group, topic) with a SQL92 selector, in RocketMQ's order of refusals:
     * a selector that does not compile (23 when it came with the pull, 27 when it is the registered one), then
     * property filtering switched off (SYSTEM_ERROR).
     *
     * @param fromRequest whether the selector came in the pull's own header (PullSysFlag SUBSCRIPTION)
     */
    public MessageFilter forPull(String group, String topic, String expression, boolean fromRequest) {
        Compiled compiled = compiled(group, topic, expression);
        if (!compiled.ok()) {
            if (fromRequest) {
                throw new RequestRejectedException(
                        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                        "parse the consumer's subscription[" + abbreviated(expression) + "] failed, group: " + group
                                + ": " + compiled.error());
            }
            throw new RequestRejectedException(
                    ResponseCode.FILTER_DATA_NOT_EXIST,
                    "The broker's consumer filter data is not exist!Your expression may be wrong! group: " + group
                            + ", topic: " + topic + ": " + compiled.error());
        }
        if (!enabled) {
            throw new RequestRejectedException(
                    ResponseCode.SYSTEM_ERROR,
                    "The broker does not support consumer to filter message by " + EXPRESSION_SQL92);
        }
        return compiled.filter();
    }

    /** An expression short enough to echo in a remark: a hostile one may be as long as a frame. */
    static String abbreviated(String expression) {
        if (expression == null || expression.length() <= 120) {
            return expression;
        }
        return expression.substring(0, 120) + "...(" + expression.length() + " chars)";
    }
}
