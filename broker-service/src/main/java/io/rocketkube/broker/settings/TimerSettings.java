package io.rocketkube.broker.settings;

/**
 * The knobs of 5.x timer messages (RocketMQ's names in brackets).
 *
 * @param enabled     timer messages are scheduled ({@code timerWheelEnable}); off, a timer message is refused
 *                    with SYSTEM_ERROR as the reference does
 * @param precisionMs width of one wheel slot: a timer is delivered no earlier than its time and at most about
 *                    this much later ({@code timerPrecisionMs}, 1000)
 * @param maxDelaySec a timer further in the future is refused ({@code timerMaxDelaySec}, 3 days)
 * @param recallEnabled a 5.3 producer may recall a pending timer with its handle ({@code recallMessageEnable})
 */
public record TimerSettings(boolean enabled, long precisionMs, long maxDelaySec, boolean recallEnabled) {
    public TimerSettings {
        if (precisionMs < 10 || precisionMs > 60_000 || maxDelaySec < 1 || maxDelaySec > 400L * 24 * 3600) {
            throw new IllegalArgumentException(
                    "timer-precision-ms must be 10..60000 and timer-max-delay-sec 1..34560000," + " were " + precisionMs
                            + " and " + maxDelaySec);
        }
    }

    /** As the canonical constructor, with recall enabled (the packaged default). */
    public TimerSettings(boolean enabled, long precisionMs, long maxDelaySec) {
        this(enabled, precisionMs, maxDelaySec, true);
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static TimerSettings defaults() {
        return BrokerSettings.defaults().timer();
    }

    public long maxDelayMs() {
        return maxDelaySec * 1000;
    }
}
