package io.rocketkube.e2e.testkit;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU per message over a window with one broker under load: the load generator (this JVM, the official
 * client's producer and consumer), the broker (and its threads by job, {@link CpuTime#threadGroup}), and
 * "other" (the machine's busy time minus both: the NameServer, other engineers' work). On a machine whose
 * cores the load generator shares with the broker, throughput is the busy cores over the machine's CPU per
 * message, so this says which process a higher rate has to come from. Take a {@link Snapshot} at both ends
 * of the window and divide by the messages of the window.
 */
public final class BrokerCpu {

    /** The CPU ticks at one moment. */
    public record Snapshot(long client, long broker, long machine, Map<String, Long> brokerThreads) {
        public static Snapshot take(long brokerPid) {
            return new Snapshot(
                    CpuTime.processTicks(ProcessHandle.current().pid()),
                    CpuTime.processTicks(brokerPid),
                    CpuTime.machineBusyTicks(),
                    CpuTime.threadTicks(brokerPid));
        }
    }

    /** Microseconds of CPU per message between two snapshots; {@code threads} is the broker's, busiest first. */
    public record PerMessage(double client, double broker, double machine, Map<String, Double> threads) {
        public double other() {
            return machine - client - broker;
        }

        /** The broker's {@code n} busiest thread groups, "name µs" each. */
        public String topThreads(int n) {
            return threads.entrySet().stream()
                    .limit(n)
                    .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "));
        }

        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "CPU µs/msg: client %.0f, broker %.0f, other %.0f, machine %.0f; broker threads: %s",
                    client,
                    broker,
                    other(),
                    machine,
                    topThreads(8));
        }
    }

    private BrokerCpu() {}

    public static PerMessage between(Snapshot a, Snapshot b, long messages) {
        double scale = CpuTime.MICROS_PER_TICK / Math.max(1, messages);
        Map<String, Double> threads = new HashMap<>();
        b.brokerThreads().forEach((name, ticks) -> {
            long delta = ticks - a.brokerThreads().getOrDefault(name, 0L);
            if (delta > 0) {
                threads.put(name, delta * scale);
            }
        });
        Map<String, Double> busiestFirst = new LinkedHashMap<>();
        threads.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> busiestFirst.put(e.getKey(), e.getValue()));
        return new PerMessage(
                (b.client() - a.client()) * scale,
                (b.broker() - a.broker()) * scale,
                (b.machine() - a.machine()) * scale,
                busiestFirst);
    }
}
