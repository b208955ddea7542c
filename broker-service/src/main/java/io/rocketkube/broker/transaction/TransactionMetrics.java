package io.rocketkube.broker.transaction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rocketkube.store.MessageStore;

/**
 * Micrometer meters of transactional messages, {@code rocketkube.broker.transaction.*}: records in the half and
 * op queues (gauges read from the store), outcomes and check-backs (counters).
 *
 * <p>Thread-safe.
 */
final class TransactionMetrics {
    private static final String PREFIX = "rocketkube.broker.transaction.";

    final Counter commits;
    final Counter rollbacks;
    final Counter discards;
    final Counter checksSent;
    final Counter checksWithoutProducer;
    final Counter refused;
    final Counter resumed;

    TransactionMetrics(MeterRegistry meters, MessageStore store, TransactionLedger ledger) {
        Gauge.builder(PREFIX + "half.records", store, s -> s.maxOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID))
                .description("records ever written to the half queue (halves and check-back copies)")
                .register(meters);
        Gauge.builder(PREFIX + "op.records", store, s -> s.maxOffset(OpLog.TOPIC, OpLog.QUEUE_ID))
                .description("op records ever written (settled chains)")
                .register(meters);
        Gauge.builder(PREFIX + "live.copies", ledger, TransactionLedger::liveCopies)
                .description("open chains that have been checked back at least once")
                .register(meters);
        commits = counter(meters, "commits", "half messages committed to their real topic");
        rollbacks = counter(meters, "rollbacks", "half messages rolled back");
        discards = counter(meters, "discards", "half messages discarded after transaction-check-max checks");
        checksSent = counter(meters, "checks.sent", "CHECK_TRANSACTION_STATE requests sent to producers");
        checksWithoutProducer = counter(
                meters,
                "checks.no.producer",
                "check-backs due while no producer of the group was connected (counted as a check, as 4.9 does)");
        refused = counter(meters, "end.refused", "END_TRANSACTION requests refused (unknown, forged or settled)");
        resumed = counter(
                meters, "resumed", "discarded half messages put back to be checked (RESUME_CHECK_HALF_MESSAGE)");
    }

    private static Counter counter(MeterRegistry meters, String name, String description) {
        return Counter.builder(PREFIX + name).description(description).register(meters);
    }
}
