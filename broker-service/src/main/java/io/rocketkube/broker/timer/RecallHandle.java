package io.rocketkube.broker.timer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The handle RocketMQ 5.3's SEND answer gives for a timer message ({@code recallHandle}), and that
 * {@code DefaultMQProducer.recallMessage} sends back to cancel it (RECALL_MESSAGE 370). The client decodes it too,
 * to find the broker by name, so its layout is RocketMQ's "v1" one, word for word:
 *
 * <pre>
 * base64url( "v1" SP topic SP brokerName SP deliverMs SP uniqKey )      SP = one space
 * </pre>
 *
 * <p>{@code deliverMs} is where the recall's cancel marker is timed. RocketMQ writes its own rounded-down
 * {@code TIMER_OUT_MS} plus 1, to land in the same slot when rounded down again; this broker times the timer at its
 * exact {@code TIMER_OUT_MS} and rounds up, so the handle carries that time unchanged and the marker lands in the
 * timer's tick. Topic and broker names cannot hold a space, so the fields split back unambiguously.
 */
public record RecallHandle(String topic, String brokerName, long deliverMs, String uniqKey) {
    private static final String VERSION_1 = "v1";

    /** The handle's text. */
    public String encode() {
        String raw = String.join(" ", VERSION_1, topic, brokerName, Long.toString(deliverMs), uniqKey);
        return Base64.getUrlEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a handle; RocketMQ's remark "recall handle is invalid" if it is not base64url of five fields starting
     * with {@code v1} and a numeric time (RocketMQ also ignores anything after the fifth field).
     */
    public static RecallHandle decode(String handle) {
        if (handle == null || handle.isEmpty()) {
            throw invalid();
        }
        String raw;
        try {
            raw = new String(Base64.getUrlDecoder().decode(handle), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        String[] items = raw.split(" ");
        if (items.length < 5 || !VERSION_1.equals(items[0]) || items[4].isEmpty()) {
            throw invalid();
        }
        try {
            return new RecallHandle(items[1], items[2], Long.parseLong(items[3]), items[4]);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    private static IllegalArgumentException invalid() {
        return new IllegalArgumentException("recall handle is invalid");
    }
}
