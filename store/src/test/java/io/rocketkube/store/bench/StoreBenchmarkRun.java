package io.rocketkube.store.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link StoreBenchmark} under the {@code bench} profile, the one way every benchmark of the project is
 * started (README.md, "Benchmarks"): {@code -Dtest=StoreBenchmarkRun -Dbench.args="target/bench-store 900000"}.
 * The arguments are {@link StoreBenchmark#main}'s; the scratch directory is relative to {@code store/}.
 */
@Tag("benchmark")
class StoreBenchmarkRun {

    @Test
    void run() throws Exception {
        StoreBenchmark.main(System.getProperty("bench.args", "target/bench-store 900000")
                .trim()
                .split("\\s+"));
    }
}
