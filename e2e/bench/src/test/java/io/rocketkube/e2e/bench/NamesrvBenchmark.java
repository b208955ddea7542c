package io.rocketkube.e2e.bench;

import io.rocketkube.e2e.testkit.NameServerNode;
import io.rocketkube.e2e.testkit.NamesrvKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Our NameServer vs Apache RocketMQ 4.9.7's, one after the other on this machine, same JVM
 * options (-Xmx256m): boot-to-ready, VmRSS after boot and after the load, and route lookups per
 * second from {@code threads} official-client connections.
 */
final class NamesrvBenchmark {

    static final String TOPIC_PREFIX = "BenchRouteTopic";
    static final int TOPICS = 64;

    record Sample(
            String side,
            double bootMillis,
            double rssBootMib,
            double rssLoadMib,
            double lookupsPerSecond,
            long errors) {}

    private NamesrvBenchmark() {}

    static List<Sample> run(BenchOptions options) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            for (String side : options.sides()) {
                Sample sample = once(side, options);
                samples.add(sample);
                System.out.printf(
                        Locale.ROOT,
                        "namesrv run %d %-6s boot %.0f ms, RSS %.0f/%.0f MiB, %.0f lookups/s, %d errors%n",
                        run,
                        side,
                        sample.bootMillis(),
                        sample.rssBootMib(),
                        sample.rssLoadMib(),
                        sample.lookupsPerSecond(),
                        sample.errors());
            }
        }
        return samples;
    }

    private static Sample once(String side, BenchOptions options) throws Exception {
        NamesrvKind kind = switch (side) {
            case "ours" -> NamesrvKind.OURS;
            case "apache" -> NamesrvKind.APACHE;
            default -> throw new IllegalArgumentException("unknown side " + side);
        };
        NameServerNode namesrv = kind.create("bench-namesrv-" + side);
        try {
            namesrv.start();
            double boot = namesrv.process().bootToReady().toNanos() / 1e6;
            double rssBoot = namesrv.process().residentMemoryKib() / 1024.0;
            try (SyntheticBroker broker = SyntheticBroker.register(namesrv.address(), TOPIC_PREFIX, TOPICS)) {
                String topic = TOPIC_PREFIX + "-7";
                RouteLookupLoad.verifyRoute(namesrv.address(), topic);
                RouteLookupLoad.Result result = RouteLookupLoad.run(
                        namesrv.address(), topic, options.threads(), options.warmup(), options.duration());
                double rssLoad = namesrv.process().residentMemoryKib() / 1024.0;
                return new Sample(side, boot, rssBoot, rssLoad, result.perSecond(), result.errors());
            }
        } finally {
            namesrv.stop();
        }
    }

    /** Medians per side, sides side by side. */
    static String medianTable(List<Sample> samples, BenchOptions options) {
        Map<String, List<Sample>> bySide = new LinkedHashMap<>();
        for (Sample sample : samples) {
            bySide.computeIfAbsent(sample.side(), s -> new ArrayList<>()).add(sample);
        }
        List<String> header = new ArrayList<>(List.of("NameServer, median of " + options.runs() + " runs"));
        bySide.keySet().forEach(side -> header.add(side.equals("ours") ? "ours" : "Apache 4.9.7"));
        Table table = new Table(header.toArray(String[]::new));
        addRow(table, bySide, "boot to ready (ms)", Sample::bootMillis, "%.0f");
        addRow(table, bySide, "VmRSS after boot (MiB)", Sample::rssBootMib, "%.0f");
        addRow(table, bySide, "VmRSS after load (MiB)", Sample::rssLoadMib, "%.0f");
        addRow(table, bySide, "route lookups/s (" + options.threads() + " threads)", Sample::lookupsPerSecond, "%.0f");
        addRow(table, bySide, "errors", sample -> sample.errors(), "%.0f");
        return table.render();
    }

    private static void addRow(
            Table table,
            Map<String, List<Sample>> bySide,
            String metric,
            ToDoubleFunction<Sample> value,
            String format) {
        List<Object> cells = new ArrayList<>(List.of(metric));
        for (List<Sample> side : bySide.values()) {
            cells.add(String.format(
                    Locale.ROOT,
                    format,
                    Table.median(side.stream().map(value::applyAsDouble).toList())));
        }
        table.row(cells.toArray());
    }
}
