package io.rocketkube.broker.timer;

/** Message properties of 5.x timer messages, as RocketMQ names them ({@code MessageConst}). */
public final class TimerProperties {
    /** Absolute delivery time, epoch ms (set by the 5.x producer's {@code setDeliverTimeMs}). */
    public static final String DELIVER_MS = "TIMER_DELIVER_MS";
    /** Relative delay in seconds from the broker's receipt. */
    public static final String DELAY_SEC = "TIMER_DELAY_SEC";
    /** Relative delay in milliseconds from the broker's receipt. */
    public static final String DELAY_MS = "TIMER_DELAY_MS";
    /** Set by the broker on the stored timer record: the delivery time it decided. */
    public static final String OUT_MS = "TIMER_OUT_MS";
    /** Set on the delivered copy: when the timer entered the wheel. */
    public static final String ENQUEUE_MS = "TIMER_ENQUEUE_MS";
    /** Set on the delivered copy: when it was taken out of the wheel. */
    public static final String DEQUEUE_MS = "TIMER_DEQUEUE_MS";
    /**
     * RocketMQ 5's cancel marker: a timer message carrying it is never delivered, and suppresses the timer of the
     * same tick whose key is {@code <realTopic>+<uniqKey>} or {@code <uniqKey>}.
     */
    public static final String DEL_UNIQKEY = "TIMER_DEL_UNIQKEY";
    /** How often a timer beyond the wheel's horizon went round again. */
    public static final String ROLL_TIMES = "TIMER_ROLL_TIMES";

    private TimerProperties() {}
}
