package io.rocketkube.e2e.bench;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.DiskStats;
import io.rocketkube.e2e.testkit.E2eLayout;
import io.rocketkube.e2e.testkit.OurBroker;
import io.rocketkube.e2e.testkit.ReadinessProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Our broker vs Apache RocketMQ 4.9.7's: for ASYNC_FLUSH and SYNC_FLUSH, a fresh broker (1 GiB
 * heap, 64 MiB CommitLog files) registered with an Apache 4.9.7 NameServer (the same for both
 * sides), then synchronous 1 KiB sends from 1 and from 4 producer threads. Reports throughput,
 * average and p99 latency, VmRSS and RssAnon after the load, bytes written to the block devices per
 * payload byte (machine-wide, during the phase), and boot times: to the broker's port accepting
 * (and, for ours, /q/health/ready), and to the NameServer routing it.
 *
 * <p>The side {@code null} is {@link NullBroker}: a broker that answers every send at once without
 * storing it. It is the ceiling the client, the loopback and this machine's scheduler allow, so the
 * distance between ours and it is what our broker itself costs.
 */
final class BrokerBenchmark {

    static final String TOPIC = "BenchSendTopic";
    static final int[] THREADS = {1, 4};

    record Phase(
            String side,
            String flush,
            int threads,
            double perSecond,
            double avgMillis,
            double p99Millis,
            long errors,
            double rssMib,
            double anonMib,
            double writeAmplification) {}

    record Boot(String side, String flush, double readyMillis, double routedMillis) {}

    private BrokerBenchmark() {}

    static String run(BenchOptions options) throws Exception {
        List<Phase> phases = new ArrayList<>();
        List<Boot> boots = new ArrayList<>();
        List<String> sides = new ArrayList<>();
        for (String side : options.sides()) {
            if (side.equals("ours") && !ourBrokerPackaged()) {
                System.out.println("broker: skipping ours, " + OurBroker.MODULE + " is not packaged");
            } else {
                sides.add(side);
            }
        }
        // Sides alternate within each run and flush mode, so drifting machine noise hits both alike.
        for (int run = 1; run <= options.runs(); run++) {
            for (String flush : options.flushModes()) {
                for (String side : sides) {
                    once(side, flush, options, phases, boots);
                }
            }
        }
        return table(sides, phases, boots, options);
    }

    private static boolean ourBrokerPackaged() {
        try {
            E2eLayout.quarkusApp(OurBroker.MODULE);
            return true;
        } catch (IllegalStateException missing) {
            return false;
        }
    }

    private static void once(String side, String flush, BenchOptions options, List<Phase> phases, List<Boot> boots)
            throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-broker-namesrv").build();
        namesrv.start();
        BrokerNode broker = switch (side) {
            case "apache" ->
                ApacheBroker.builder("bench-broker-apache")
                        .brokerName("bench-apache")
                        .namesrvAddrs(namesrv.address())
                        .flushDiskType(flush)
                        .build();
            case "ours" ->
                OurBroker.builder("bench-broker-ours")
                        .brokerName("bench-ours")
                        .namesrvAddrs(namesrv.address())
                        .flushMode(flush)
                        .heap(options.ourHeap())
                        .jvmOptions(options.ourJvmOptions())
                        .build();
            case "null" -> new NullBroker("bench-broker-null", namesrv.address());
            default -> throw new IllegalArgumentException("unknown side " + side);
        };
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        DefaultMQProducer producer = new DefaultMQProducer("bench_producer_" + side);
        try {
            broker.start();
            double ready = broker.process().bootToReady().toNanos() / 1e6;
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-admin-" + side + "-" + flush);
            admin.start();
            double routed = broker.process()
                            .awaitReady(registeredProbe(admin, broker), Duration.ofSeconds(60))
                            .toNanos()
                    / 1e6;
            if (!side.equals("null")) {
                boots.add(new Boot(side, flush, ready, routed));
            }

            BenchTopics.createRouted(admin, broker.address(), TOPIC, Duration.ofSeconds(30));

            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-producer-" + side + "-" + flush);
            producer.start();
            for (int threads : THREADS) {
                long writtenBefore = DiskStats.bytesWritten();
                SendLoad.Result result = SendLoad.run(producer, TOPIC, threads, options.warmup(), options.duration());
                double amplification = (DiskStats.bytesWritten() - writtenBefore)
                        / ((double) Math.max(1, result.allSends()) * SendLoad.BODY_BYTES);
                Phase phase = new Phase(
                        side,
                        flush,
                        threads,
                        result.perSecond(),
                        result.latencies().meanMillis(),
                        result.latencies().percentileMillis(99),
                        result.errors(),
                        broker.process().residentMemoryKib() / 1024.0,
                        broker.process().anonymousMemoryKib() / 1024.0,
                        amplification);
                phases.add(phase);
                System.out.printf(
                        Locale.ROOT,
                        "broker %-6s %-11s %d thread(s): %.0f msg/s, avg %.2f ms, p99 %.2f ms,"
                                + " %d errors, RSS %.0f MiB (anon %.0f), device bytes per payload byte %.1f%n",
                        side,
                        flush,
                        threads,
                        phase.perSecond(),
                        phase.avgMillis(),
                        phase.p99Millis(),
                        phase.errors(),
                        phase.rssMib(),
                        phase.anonMib(),
                        phase.writeAmplification());
            }
        } finally {
            producer.shutdown();
            admin.shutdown();
            broker.stop();
            namesrv.stop();
        }
    }

    /** Ready when the NameServer's cluster info lists the broker's address as master. */
    private static ReadinessProbe registeredProbe(DefaultMQAdminExt admin, BrokerNode broker) {
        return new ReadinessProbe() {
            @Override
            public boolean isReady() {
                try {
                    BrokerData data = admin.examineBrokerClusterInfo()
                            .getBrokerAddrTable()
                            .get(broker.brokerName());
                    return data != null
                            && broker.address().equals(data.getBrokerAddrs().get(0L));
                } catch (Exception notYet) {
                    return false;
                }
            }

            @Override
            public String describe() {
                return "NameServer routes " + broker.brokerName();
            }
        };
    }

    private static String table(List<String> sides, List<Phase> phases, List<Boot> boots, BenchOptions options) {
        Table table = new Table(
                "flush, producer threads (median of " + options.runs() + ")",
                "broker",
                "msg/s",
                "avg ms",
                "p99 ms",
                "RSS MiB",
                "anon MiB",
                "disk B/B");
        for (String flush : options.flushModes()) {
            for (int threads : THREADS) {
                for (String side : sides) {
                    List<Phase> mine = phases.stream()
                            .filter(p -> p.side().equals(side) && p.flush().equals(flush) && p.threads() == threads)
                            .toList();
                    table.row(
                            flush + ", " + threads,
                            label(side),
                            fmt("%.0f", mine.stream().map(Phase::perSecond).toList()),
                            fmt("%.2f", mine.stream().map(Phase::avgMillis).toList()),
                            fmt("%.2f", mine.stream().map(Phase::p99Millis).toList()),
                            fmt("%.0f", mine.stream().map(Phase::rssMib).toList()),
                            fmt("%.0f", mine.stream().map(Phase::anonMib).toList()),
                            fmt(
                                    "%.1f",
                                    mine.stream().map(Phase::writeAmplification).toList()));
                }
            }
        }
        Map<String, List<Boot>> bootsBySide = new LinkedHashMap<>();
        for (Boot boot : boots) {
            bootsBySide.computeIfAbsent(boot.side(), s -> new ArrayList<>()).add(boot);
        }
        Table bootTable = new Table(
                "broker boot (median of "
                        + bootsBySide.values().stream()
                                .mapToInt(List::size)
                                .max()
                                .orElse(0) + ")",
                "to port accepting / ready (ms)",
                "to routed by the NameServer (ms)");
        bootsBySide.forEach((side, list) -> bootTable.row(
                label(side) + (side.equals("ours") ? " (port + /q/health/ready)" : " (port)"),
                fmt("%.0f", list.stream().map(Boot::readyMillis).toList()),
                fmt("%.0f", list.stream().map(Boot::routedMillis).toList())));
        long errors = phases.stream().mapToLong(Phase::errors).sum();
        return table.render() + "\n" + bootTable.render() + "\nsend errors: " + errors
                + "; disk B/B = bytes written to the block devices (whole machine) per 1 KiB payload byte sent;"
                + " anon = RssAnon, VmRSS without the touched pages of mapped files\n";
    }

    private static String label(String side) {
        return switch (side) {
            case "ours" -> "ours";
            case "null" -> "null (ceiling)";
            default -> "Apache 4.9.7";
        };
    }

    private static String fmt(String format, List<Double> values) {
        return values.isEmpty() ? "-" : String.format(Locale.ROOT, format, Table.median(values));
    }
}
