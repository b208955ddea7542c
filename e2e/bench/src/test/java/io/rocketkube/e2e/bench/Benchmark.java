package io.rocketkube.e2e.bench;

import java.util.List;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * Entry point of the benchmarks: ours vs Apache RocketMQ 4.9.7 on this machine, one server after
 * the other, the official 4.9.8 client as the load generator in this JVM. See e2e/README.md.
 *
 * <pre>
 *   Benchmark namesrv [--runs=3] [--warmup=10] [--duration=20] [--threads=4] [--sides=apache,ours]
 *   Benchmark broker  [--runs=1] [--warmup=5] [--duration=15] [--sides=apache,ours]
 *   Benchmark replication [--runs=1] [--warmup=5] [--duration=10] [--roles=SYNC_MASTER,ASYNC_MASTER]
 *   Benchmark transaction [--runs=1] [--warmup=5] [--duration=15] [--threads=4] [--flush=ASYNC_FLUSH]
 *   Benchmark sql92 [--runs=1] [--threads=4] [--flush=ASYNC_FLUSH]
 *   Benchmark delay [--runs=1] [--warmup=2] [--duration=10] [--threads=4] [--flush=ASYNC_FLUSH]
 * </pre>
 */
public final class Benchmark {

    private Benchmark() {}

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /** Runs the benchmarks {@code args} name; a bad argument is an {@link IllegalArgumentException}. */
    static void run(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parse(args);
        // Requests carry the client's version like the official client's own (REGISTER_BROKER with
        // version 0 would select the pre-4.x body format at the NameServer).
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors() + ", options: " + options);
        StringBuilder report = new StringBuilder();
        if (options.what().equals("namesrv") || options.what().equals("all")) {
            List<NamesrvBenchmark.Sample> samples = NamesrvBenchmark.run(options);
            report.append(NamesrvBenchmark.medianTable(samples, options)).append('\n');
        }
        if (options.what().equals("broker") || options.what().equals("all")) {
            report.append(BrokerBenchmark.run(options)).append('\n');
        }
        if (options.what().equals("replication") || options.what().equals("all")) {
            report.append(ReplicationBenchmark.run(options)).append('\n');
        }
        if (options.what().equals("transaction")) {
            report.append(TransactionBenchmark.run(options)).append('\n');
        }
        if (options.what().equals("delay")) {
            report.append(DelayBenchmark.run(options)).append('\n');
        }
        if (options.what().equals("sql92")) {
            report.append(SqlFilterBenchmark.run(options)).append('\n');
        }
        System.out.println();
        System.out.println(report);
    }
}
