package io.rocketkube.broker.settings;

/**
 * What the broker holds in its heap on behalf of clients, capped so that many or hostile connections cannot
 * exhaust it: bytes of accepted, unanswered requests (in total and per connection) and parked long-poll pulls
 * (in total and per connection). Defaults are sized for the 128-256 MiB heaps the broker runs with.
 */
public record FlowLimits(
        long maxQueuedRequestBytes,
        long maxQueuedRequestBytesPerConnection,
        int maxHeldPulls,
        int maxHeldPullsPerConnection) {
    public FlowLimits {
        if (maxQueuedRequestBytes <= 0
                || maxQueuedRequestBytesPerConnection <= 0
                || maxHeldPulls < 0
                || maxHeldPullsPerConnection < 0) {
            throw new IllegalArgumentException("invalid flow limits: " + maxQueuedRequestBytes + " / "
                    + maxQueuedRequestBytesPerConnection + " queued bytes, " + maxHeldPulls + " / "
                    + maxHeldPullsPerConnection + " held pulls");
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static FlowLimits defaults() {
        return BrokerSettings.defaults().flowLimits();
    }
}
