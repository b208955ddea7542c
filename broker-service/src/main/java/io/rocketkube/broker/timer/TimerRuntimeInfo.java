package io.rocketkube.broker.timer;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The timer's keys of GET_BROKER_RUNTIME_INFO, named as RocketMQ 5's broker names them (mqadmin brokerStatus
 * prints them): {@code timerReadBehind} (seconds delivery is behind the clock), {@code timerOffsetBehind}
 * (timer-topic messages not yet in the wheel), {@code timerCongestNum} (timers due, not yet delivered),
 * {@code timerEnqueueTps} and {@code timerDequeueTps}. Ours adds {@code timerPendingNum}. A broker not
 * running timers (a slave) answers zeros, as the reference does with the wheel disabled.
 */
public final class TimerRuntimeInfo implements Supplier<Map<String, String>> {
    private final Supplier<TimerMessageService> service;

    public TimerRuntimeInfo(Supplier<TimerMessageService> service) {
        this.service = service;
    }

    @Override
    public Map<String, String> get() {
        TimerMessageService s = service.get();
        Map<String, String> out = new TreeMap<>();
        out.put("timerReadBehind", s == null ? "0" : String.valueOf(s.deliverBehindMillis() / 1000));
        out.put("timerOffsetBehind", s == null ? "0" : String.valueOf(s.offsetBehind()));
        out.put("timerCongestNum", s == null ? "0" : String.valueOf(s.dueNotDelivered()));
        out.put("timerEnqueueTps", s == null ? "0.0" : String.valueOf(s.enqueueTps()));
        out.put("timerDequeueTps", s == null ? "0.0" : String.valueOf(s.dequeueTps()));
        out.put("timerPendingNum", s == null ? "0" : String.valueOf(s.pending()));
        return out;
    }
}
