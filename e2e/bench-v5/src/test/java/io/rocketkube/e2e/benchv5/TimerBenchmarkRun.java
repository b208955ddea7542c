package io.rocketkube.e2e.benchv5;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link TimerBenchmark} under the {@code bench} profile, the one way every benchmark of the project is
 * started (README.md, "Benchmarks"): {@code -Dtest=TimerBenchmarkRun -Dbench.args="timer --pending=1000000"}.
 */
@Tag("benchmark")
class TimerBenchmarkRun {

    @Test
    void run() throws Exception {
        TimerBenchmark.main(System.getProperty("bench.args", "timer").trim().split("\\s+"));
    }
}
