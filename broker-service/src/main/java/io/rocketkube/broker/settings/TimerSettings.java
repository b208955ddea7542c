package io.rocketkube.broker.settings;

/**
 * The knobs of 5.x timer messages (RocketMQ's names in brackets).
 *
 * @param enabled     timer messages are scheduled ({@code timerWheelEnable}); off, a timer message is refused
 *                    with SYSTEM_ERROR as the reference does
 * @param precisionMs width of one wheel slot: a timer is delivered no earlier than its time and at most about
 *                    this much later ({@code timerPrecisionMs}, 1000)
 * @param maxDelaySec a timer further in the future is refused ({@code timerMaxDelaySec}, 3 days)
 */
public record TimerSettings(boolean enabled, long precisionMs, long maxDelaySec) {
    public TimerSettings {
        if (precisionMs < 10 || precisionMs > 60_000 || maxDelaySec < 1 || maxDelaySec > 400L * 24 * 3600) {
            throw new IllegalArgumentException(
                    "timer-precision-ms must be 10..60000 and timer-max-delay-sec 1..34560000," + " were " + precisionMs
                            + " and " + maxDelaySec);
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static TimerSettings defaults() {
        return BrokerSettings.defaults().timer();
    }

    public long maxDelayMs() {
        return maxDelaySec * 1000;
    }
}
