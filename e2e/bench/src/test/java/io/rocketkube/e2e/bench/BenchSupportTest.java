package io.rocketkube.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.e2e.testkit.CpuTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's own arithmetic and parsing (the benchmark itself is not part of CI). */
class BenchSupportTest {

    @Test
    void percentilesAreNearestRankOverAllThreads() {
        Latencies a = new Latencies();
        Latencies b = new Latencies();
        for (int i = 1; i <= 100; i++) {
            (i % 2 == 0 ? a : b).record(i * 1_000_000L);
        }
        Latencies all = Latencies.merge(List.of(a, b));

        assertThat(all.count()).isEqualTo(100);
        assertThat(all.percentileMillis(99)).isEqualTo(99.0);
        assertThat(all.percentileMillis(50)).isEqualTo(50.0);
        assertThat(all.percentileMillis(100)).isEqualTo(100.0);
        assertThat(all.meanMillis()).isEqualTo(50.5);
    }

    @Test
    void cpuTicksComeFromProcStatFields() {
        // A command name with a space and a parenthesis: the fields are counted after the last ')'.
        String stat = "4242 (java (x) y) S 1 4242 1 0 -1 4194560 100 0 0 0 731 269 0 0 20 0 40 0 5 0 0";
        assertThat(CpuTime.parseProcessTicks(stat)).isEqualTo(1000);
        String procStat = "cpu  100 5 50 1000 20 3 2 1 7 0\ncpu0 50 2 25 500 10 1 1 0 0 0\n";
        assertThat(CpuTime.parseMachineBusyTicks(procStat)).isEqualTo(161);
        assertThat(CpuTime.processTicks(ProcessHandle.current().pid())).isPositive();
        assertThat(CpuTime.threadGroup("GC Thread#1")).isEqualTo("GC Thread");
        assertThat(CpuTime.threadGroup("C2 CompilerThre")).isEqualTo("C2 CompilerThre");
        assertThat(CpuTime.threadGroup("nioEventLoopGro-3-1")).isEqualTo("nioEventLoopGro");
        assertThat(CpuTime.threadTicks(ProcessHandle.current().pid())).isNotEmpty();
    }

    @Test
    void ourJvmOptionsSplitOnlyWhereTheNextOptionStarts() {
        BenchOptions options = BenchOptions.parse(
                "delay", "--our-jvm=-XX:StartFlightRecording=settings=profile,filename=/tmp/x.jfr,-Xlog:gc");
        assertThat(options.ourJvmOptions())
                .containsExactly("-XX:StartFlightRecording=settings=profile,filename=/tmp/x.jfr", "-Xlog:gc");
    }

    @Test
    void syscallsComeFromProcIo() {
        String io = "rchar: 6976\nwchar: 10\nsyscr: 12\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 0\n";
        assertThat(Syscalls.parse(io)).isEqualTo(new Syscalls.Count(12, 3, 0));
        String status = "Name:\tjava\nvoluntary_ctxt_switches:\t40\nnonvoluntary_ctxt_switches:\t2\n";
        assertThat(Syscalls.parseSwitches(status)).isEqualTo(42);
        Syscalls.Count self = Syscalls.of(ProcessHandle.current().pid());
        assertThat(self.reads()).isPositive();
        assertThat(self.switches()).isPositive();
    }

    @Test
    void latenciesGrowPastTheirInitialCapacity() {
        Latencies many = new Latencies();
        for (int i = 0; i < 100_000; i++) {
            many.record(100_000 - i);
        }
        Latencies sorted = Latencies.merge(List.of(many));
        assertThat(sorted.count()).isEqualTo(100_000);
        assertThat(sorted.percentileMillis(0.001)).isEqualTo(1e-6);
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Table.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Table.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }

    @Test
    void tableAlignsColumns() {
        String rendered = new Table("metric", "a", "bb")
                .row("x", 1, 22)
                .row("longer", 333, 4)
                .render();
        assertThat(rendered).isEqualTo("""
        | metric |   a | bb |
        |--------|----:|---:|
        | x      |   1 | 22 |
        | longer | 333 |  4 |
        """);
    }

    @Test
    void parsesOptions() {
        BenchOptions options = BenchOptions.parse("namesrv", "--runs=2", "--duration=5", "--sides=ours");
        assertThat(options.runs()).isEqualTo(2);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.warmup()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.threads()).isEqualTo(4);
        assertThat(options.sides()).containsExactly("ours");
        assertThatThrownBy(() -> BenchOptions.parse("namesrv", "--bogus=1")).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> BenchOptions.parse("disk")).hasMessageContaining("usage");
        assertThat(BenchOptions.parse("replication").roles()).containsExactly("SYNC_MASTER", "ASYNC_MASTER");
        assertThat(BenchOptions.parse("replication", "--roles=ASYNC_MASTER").roles())
                .containsExactly("ASYNC_MASTER");
        assertThatThrownBy(() -> BenchOptions.parse("replication", "--roles=SLAVE"))
                .hasMessageContaining("SLAVE");
    }
}
