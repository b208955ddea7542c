package io.rocketkube.broker.filter;

/**
 * A SQL92 selector that does not compile. The message starts with RocketMQ's own "Invalid MessageSelector. "
 * (what its CHECK_CLIENT_CONFIG answer carries) and then says what is wrong and where, which RocketMQ does not.
 */
public final class SqlSyntaxException extends Exception {
    static final String PREFIX = "Invalid MessageSelector. ";

    SqlSyntaxException(String reason) {
        super(PREFIX + reason, null, false, false);
    }
}
