package io.rocketkube.e2e.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link Benchmark} under the {@code bench} profile, the one way every benchmark of the project is started
 * (README.md, "Benchmarks"): {@code -Dtest=BenchmarkRun -Dbench.args="replication --runs=1"}.
 */
@Tag("benchmark")
class BenchmarkRun {

    @Test
    void run() throws Exception {
        Benchmark.run(System.getProperty("bench.args", "namesrv").trim().split("\\s+"));
    }
}
