package io.rocketkube.e2e.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of {@link Benchmark}: {@code <namesrv|broker|replication|transaction|sql92|delay|all> [--runs=3] [--warmup=10]
 * [--duration=20] [--threads=4] [--sides=apache,ours] [--our-heap=1g] [--flush=ASYNC_FLUSH,SYNC_FLUSH]
 * [--our-jvm=-XX:opt,-XX:opt] [--roles=SYNC_MASTER,ASYNC_MASTER]} (times in seconds). Immutable.
 *
 * <p>{@code --our-heap} sizes our broker's heap; the Apache broker always gets the 1 GiB the peer
 * reference runs it with, so the default compares like with like and a smaller value shows what ours needs.
 * {@code --our-jvm} adds JVM options to our broker only, for experiments: separated by commas, but only by a comma
 * that starts a new option ({@code ,-}), so an option's own commas stay in it, as in
 * {@code --our-jvm=-XX:+UseSerialGC,-XX:StartFlightRecording=settings=profile,filename=master.jfr}.
 */
record BenchOptions(
        String what,
        int runs,
        Duration warmup,
        Duration duration,
        int threads,
        List<String> sides,
        String ourHeap,
        List<String> flushModes,
        List<String> ourJvmOptions,
        List<String> roles) {

    /** Splits at the commas that start a new option; a comma inside one (JFR's settings) is kept. */
    static List<String> jvmOptions(String value) {
        return List.of(value.split(",(?=-)"));
    }

    static BenchOptions parse(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException(usage());
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("bad option " + arg + "; " + usage());
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        BenchOptions parsed = new BenchOptions(
                args[0],
                Integer.parseInt(options.getOrDefault("runs", "3")),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup", "10"))),
                Duration.ofSeconds(Long.parseLong(options.getOrDefault("duration", "20"))),
                Integer.parseInt(options.getOrDefault("threads", "4")),
                List.of(options.getOrDefault("sides", "apache,ours").split(",")),
                options.getOrDefault("our-heap", "1g"),
                List.of(options.getOrDefault("flush", "ASYNC_FLUSH,SYNC_FLUSH").split(",")),
                options.containsKey("our-jvm") ? jvmOptions(options.get("our-jvm")) : List.of(),
                List.of(options.getOrDefault("roles", "SYNC_MASTER,ASYNC_MASTER")
                        .split(",")));
        options.keySet().stream()
                .filter(key -> !List.of(
                                "runs",
                                "warmup",
                                "duration",
                                "threads",
                                "sides",
                                "our-heap",
                                "flush",
                                "our-jvm",
                                "roles")
                        .contains(key))
                .findFirst()
                .ifPresent(key -> {
                    throw new IllegalArgumentException("unknown option --" + key + "; " + usage());
                });
        if (!List.of("namesrv", "broker", "replication", "transaction", "sql92", "delay", "all")
                .contains(parsed.what())) {
            throw new IllegalArgumentException(usage());
        }
        parsed.flushModes().stream()
                .filter(mode -> !List.of("ASYNC_FLUSH", "SYNC_FLUSH").contains(mode))
                .findFirst()
                .ifPresent(mode -> {
                    throw new IllegalArgumentException("unknown flush mode " + mode + "; " + usage());
                });
        parsed.roles().stream()
                .filter(role -> !List.of("SYNC_MASTER", "ASYNC_MASTER").contains(role))
                .findFirst()
                .ifPresent(role -> {
                    throw new IllegalArgumentException("unknown master role " + role + "; " + usage());
                });
        return parsed;
    }

    static String usage() {
        return "usage: Benchmark <namesrv|broker|replication|transaction|sql92|delay|all> [--runs=3] [--warmup=10] [--duration=20]"
                + " [--threads=4] [--sides=apache,ours] [--our-heap=1g] [--flush=ASYNC_FLUSH,SYNC_FLUSH]"
                + " [--our-jvm=-XX:opt,...] [--roles=SYNC_MASTER,ASYNC_MASTER]";
    }
}
