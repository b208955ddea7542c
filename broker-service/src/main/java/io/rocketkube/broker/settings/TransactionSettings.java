package io.rocketkube.broker.settings;

import java.time.Duration;
import java.util.Objects;

/**
 * The check-back knobs of transactional messages (RocketMQ's names in brackets).
 *
 * @param timeout       a half message younger than this is not checked yet ({@code transactionTimeOut}); a
 *                      half's own {@code CHECK_IMMUNITY_TIME_IN_SECONDS} replaces it, shorter or longer
 * @param checkInterval how often the half queue is scanned; a half checked in one round is checked again in
 *                      the next ({@code transactionCheckInterval})
 * @param checkMax      checks sent for one half before it is discarded to {@code TRANS_CHECK_MAX_TIME_TOPIC}
 *                      ({@code transactionCheckMax})
 */
public record TransactionSettings(Duration timeout, Duration checkInterval, int checkMax) {
    public TransactionSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(checkInterval, "checkInterval");
        if (timeout.isNegative() || checkInterval.toMillis() < 1 || checkMax < 0) {
            throw new IllegalArgumentException("transaction-timeout must be >= 0, transaction-check-interval >= 1 ms"
                    + " and transaction-check-max >= 0");
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static TransactionSettings defaults() {
        return BrokerSettings.defaults().transaction();
    }
}
