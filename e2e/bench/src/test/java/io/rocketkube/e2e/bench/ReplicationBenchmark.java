package io.rocketkube.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.rocketkube.e2e.testkit.ApacheBroker;
import io.rocketkube.e2e.testkit.ApacheNamesrv;
import io.rocketkube.e2e.testkit.BrokerNode;
import io.rocketkube.e2e.testkit.OurBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.protocol.route.BrokerData;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Master/slave pairs, ours vs Apache RocketMQ 4.9.7's, each registered with one Apache 4.9.7
 * NameServer: for SYNC_MASTER and ASYNC_MASTER, synchronous 1 KiB sends from 4 and from 64 producer
 * threads while the slave replicates, then (once per side, under the first role) the time from
 * {@code kill -9} of the master to a push consumer taking messages from the slave.
 *
 * <p><b>Replication lag</b> is sampled every 100 ms during each measured window as the master's
 * {@code commitLogMaxOffset} minus the slave's, both from GET_BROKER_RUNTIME_INFO; the two reads are
 * a moment apart, so a sample is approximate and a negative one counts as 0. <b>Catch-up</b> is the
 * time from the end of the load until the slave holds every byte.
 *
 * <p><b>Failover</b>: 20,000 messages are stored and replicated before a push consumer starts with a
 * pull batch of 1 and a flow-control threshold of 1 per queue, so it holds at most a couple of messages
 * it has not consumed. Once it has consumed 300, the master is killed. "Resumed" is the first message
 * whose queue offset is more than 2 beyond the highest that queue had delivered at the kill, so it
 * cannot have been pulled from the master. Both sides rely on the same official client to notice the
 * master is gone (its pull fails, or its next route refresh, every 30 s, drops the master), so the
 * figure is mostly the client's; a broker that does not serve reads as a slave shows as a timeout.
 */
final class ReplicationBenchmark {

    static final String TOPIC = "BenchReplicationTopic";
    static final String FAILOVER_TOPIC = "BenchFailoverTopic";
    static final int[] THREADS = {4, 64};
    private static final int FAILOVER_MESSAGES = 20_000;
    private static final int KILL_AFTER = 300;
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(120);

    record Phase(
            String side,
            String role,
            int threads,
            double perSecond,
            double p99Millis,
            long errors,
            double meanLagKib,
            double maxLagKib,
            double catchUpMillis,
            CpuWindow.PerMessage cpu) {}

    record Failover(String side, double resumedMillis, long consumedBeforeKill) {}

    private ReplicationBenchmark() {}

    static String run(BenchOptions options) throws Exception {
        List<Phase> phases = new ArrayList<>();
        List<Failover> failovers = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            boolean first = true;
            // Every other run takes the sides in reverse: the side that goes first also carries the load
            // generator's own warm-up, which one run cannot separate from the broker's cost.
            List<String> sides = new ArrayList<>(options.sides());
            if (run % 2 == 0) {
                java.util.Collections.reverse(sides);
            }
            for (String role : options.roles()) {
                for (String side : sides) {
                    once(side, role, first && run == 1, options, phases, failovers);
                }
                first = false;
            }
        }
        return table(phases, failovers, options);
    }

    private static void once(
            String side,
            String role,
            boolean failover,
            BenchOptions options,
            List<Phase> phases,
            List<Failover> failovers)
            throws Exception {
        ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-repl-namesrv").build();
        namesrv.start();
        String group = "bench-repl-" + side;
        BrokerNode master = broker(side, group, 0, role, namesrv.address(), options);
        BrokerNode slave = broker(side, group, 1, "SLAVE", namesrv.address(), options);
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        DefaultMQProducer producer = new DefaultMQProducer("bench_repl_producer_" + side);
        try {
            master.start();
            slave.start();
            admin.setNamesrvAddr(namesrv.address());
            admin.setInstanceName("bench-repl-admin-" + side + "-" + role);
            admin.start();
            await("master and slave of " + group + " routed")
                    .atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> routed(admin, group, master, slave));
            admin.createAndUpdateTopicConfig(master.address(), new TopicConfig(TOPIC, 8, 8, 6));
            admin.createAndUpdateTopicConfig(master.address(), new TopicConfig(FAILOVER_TOPIC, 4, 4, 6));
            await("route of " + TOPIC)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() ->
                            !admin.examineTopicRouteInfo(TOPIC).getQueueDatas().isEmpty());

            producer.setNamesrvAddr(namesrv.address());
            producer.setInstanceName("bench-repl-producer-" + side + "-" + role);
            producer.setSendMsgTimeout(10_000);
            producer.start();
            // A SYNC_MASTER answers SLAVE_NOT_AVAILABLE until its slave has connected: one send that
            // reaches the slave proves the channel is up before anything is measured.
            await("slave of " + group + " attached")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> producer.send(new Message(TOPIC, new byte[16])) != null
                            && lagBytes(admin, master, slave) == 0);

            for (int threads : THREADS) {
                LagSampler sampler = new LagSampler(admin, master, slave);
                sampler.start(options.warmup());
                CpuWindow cpuWindow = new CpuWindow(
                        master.process().pid(), slave.process().pid(), options.warmup(), options.duration());
                SendLoad.Result result = SendLoad.run(producer, TOPIC, threads, options.warmup(), options.duration());
                sampler.stop();
                CpuWindow.PerMessage cpu = cpuWindow.perMessage(result.sends());
                long loadEnd = System.nanoTime();
                await("slave of " + group + " caught up")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions()
                        .until(() -> lagBytes(admin, master, slave) == 0);
                double catchUp = (System.nanoTime() - loadEnd) / 1e6;
                Phase phase = new Phase(
                        side,
                        role,
                        threads,
                        result.perSecond(),
                        result.latencies().percentileMillis(99),
                        result.errors(),
                        sampler.meanBytes() / 1024.0,
                        sampler.maxBytes() / 1024.0,
                        catchUp,
                        cpu);
                phases.add(phase);
                System.out.printf(
                        Locale.ROOT,
                        "replication %-6s %-12s %2d thread(s): %.0f msg/s, p99 %.2f ms, %d errors,"
                                + " lag mean %.0f KiB max %.0f KiB, caught up %.0f ms after the load;"
                                + " CPU us/msg client %.0f master %.0f slave %.0f other %.0f machine %.0f;"
                                + " reads/writes/context switches per msg client %s master %s slave %s%n",
                        side,
                        role,
                        threads,
                        phase.perSecond(),
                        phase.p99Millis(),
                        phase.errors(),
                        phase.meanLagKib(),
                        phase.maxLagKib(),
                        phase.catchUpMillis(),
                        cpu.client(),
                        cpu.master(),
                        cpu.slave(),
                        cpu.other(),
                        cpu.machine(),
                        cpu.clientCalls(),
                        cpu.masterCalls(),
                        cpu.slaveCalls());
            }
            if (failover) {
                failovers.add(failover(side, namesrv.address(), producer, admin, master, slave));
            }
        } finally {
            producer.shutdown();
            admin.shutdown();
            slave.stop();
            master.stop();
            namesrv.stop();
        }
    }

    private static BrokerNode broker(
            String side, String group, int id, String role, String namesrv, BenchOptions options) {
        String name = "bench-repl-" + side + "-" + id;
        return switch (side) {
            case "apache" ->
                ApacheBroker.builder(name)
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .property("brokerId", Integer.toString(id))
                        .property("brokerRole", role)
                        .build();
            case "ours" ->
                OurBroker.builder(name)
                        .brokerName(group)
                        .namesrvAddrs(namesrv)
                        .heap(options.ourHeap())
                        .jvmOptions(options.ourJvmOptions())
                        .property("rocketkube.broker.broker-id", Integer.toString(id))
                        .property("rocketkube.broker.role", role)
                        // A slave is ready once caught up, and it has nothing to catch up with before the master runs.
                        .readyTimeout(Duration.ofSeconds(120))
                        .build();
            default -> throw new IllegalArgumentException("replication: unknown side " + side);
        };
    }

    private static boolean routed(DefaultMQAdminExt admin, String group, BrokerNode master, BrokerNode slave)
            throws Exception {
        BrokerData data = admin.examineBrokerClusterInfo().getBrokerAddrTable().get(group);
        return data != null
                && master.address().equals(data.getBrokerAddrs().get(0L))
                && slave.address().equals(data.getBrokerAddrs().get(1L));
    }

    static long lagBytes(DefaultMQAdminExt admin, BrokerNode master, BrokerNode slave) throws Exception {
        long masterMax = commitLogMaxOffset(admin, master);
        long slaveMax = commitLogMaxOffset(admin, slave);
        return Math.max(0, masterMax - slaveMax);
    }

    private static long commitLogMaxOffset(DefaultMQAdminExt admin, BrokerNode broker) throws Exception {
        return Long.parseLong(
                admin.fetchBrokerRuntimeStats(broker.address()).getTable().get("commitLogMaxOffset"));
    }

    private static Failover failover(
            String side,
            String namesrv,
            DefaultMQProducer producer,
            DefaultMQAdminExt admin,
            BrokerNode master,
            BrokerNode slave)
            throws Exception {
        byte[] body = new byte[SendLoad.BODY_BYTES];
        for (int i = 0; i < FAILOVER_MESSAGES; i++) {
            producer.send(new Message(FAILOVER_TOPIC, body));
        }
        await("slave holds the failover messages")
                .atMost(Duration.ofSeconds(120))
                .ignoreExceptions()
                .until(() -> lagBytes(admin, master, slave) == 0);

        Map<Integer, Long> highestAtKill = new ConcurrentHashMap<>();
        Map<Integer, Long> highest = new ConcurrentHashMap<>();
        AtomicInteger consumed = new AtomicInteger();
        AtomicLong killedAt = new AtomicLong();
        AtomicLong resumedAt = new AtomicLong();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("bench_failover_" + side);
        consumer.setNamesrvAddr(namesrv);
        consumer.setInstanceName("bench-failover-" + side);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPullBatchSize(1);
        consumer.setPullThresholdForQueue(1);
        consumer.setConsumeMessageBatchMaxSize(1);
        consumer.setConsumeThreadMin(1);
        consumer.setConsumeThreadMax(1);
        consumer.subscribe(FAILOVER_TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
            for (MessageExt message : messages) {
                int queue = message.getQueueId();
                long offset = message.getQueueOffset();
                highest.merge(queue, offset, Math::max);
                if (killedAt.get() != 0
                        && resumedAt.get() == 0
                        && offset > highestAtKill.getOrDefault(queue, -1L) + 2) {
                    resumedAt.compareAndSet(0, System.nanoTime());
                }
            }
            consumed.addAndGet(messages.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        try {
            consumer.start();
            await("consumer under way").atMost(Duration.ofSeconds(60)).until(() -> consumed.get() >= KILL_AFTER);
            long before = consumed.get();
            highestAtKill.putAll(highest);
            master.process().kill();
            killedAt.set(System.nanoTime());
            try {
                await("consumer resumed on the slave").atMost(FAILOVER_TIMEOUT).until(() -> resumedAt.get() != 0);
            } catch (org.awaitility.core.ConditionTimeoutException timeout) {
                System.out.printf(
                        Locale.ROOT, "replication %s: no message from the slave within %s%n", side, FAILOVER_TIMEOUT);
                return new Failover(side, Double.NaN, before);
            }
            double millis = (resumedAt.get() - killedAt.get()) / 1e6;
            System.out.printf(
                    Locale.ROOT,
                    "replication %-6s failover: consumer resumed on the slave %.0f ms after"
                            + " kill -9 of the master%n",
                    side,
                    millis);
            return new Failover(side, millis, before);
        } finally {
            consumer.shutdown();
        }
    }

    private static String table(List<Phase> phases, List<Failover> failovers, BenchOptions options) {
        Table table = new Table(
                "role, producer threads",
                "broker pair",
                "msg/s",
                "p99 ms",
                "errors",
                "lag mean KiB",
                "lag max KiB",
                "catch-up ms");
        Table cpuTable = new Table(
                "role, producer threads",
                "broker pair",
                "client us/msg",
                "master us/msg",
                "slave us/msg",
                "other us/msg",
                "machine us/msg",
                "client reads/writes/switches per msg",
                "master reads/writes/switches per msg",
                "slave reads/writes/switches per msg");
        for (String role : options.roles()) {
            for (int threads : THREADS) {
                for (String side : options.sides()) {
                    List<Phase> mine = phases.stream()
                            .filter(p -> p.side().equals(side) && p.role().equals(role) && p.threads() == threads)
                            .toList();
                    table.row(
                            role + ", " + threads,
                            label(side),
                            fmt("%.0f", mine.stream().map(Phase::perSecond).toList()),
                            fmt("%.2f", mine.stream().map(Phase::p99Millis).toList()),
                            fmt(
                                    "%.0f",
                                    mine.stream().map(p -> (double) p.errors()).toList()),
                            fmt("%.0f", mine.stream().map(Phase::meanLagKib).toList()),
                            fmt("%.0f", mine.stream().map(Phase::maxLagKib).toList()),
                            fmt("%.0f", mine.stream().map(Phase::catchUpMillis).toList()));
                    List<CpuWindow.PerMessage> cpu =
                            mine.stream().map(Phase::cpu).toList();
                    cpuTable.row(
                            role + ", " + threads,
                            label(side),
                            micros(cpu, CpuWindow.PerMessage::client),
                            micros(cpu, CpuWindow.PerMessage::master),
                            micros(cpu, CpuWindow.PerMessage::slave),
                            micros(cpu, CpuWindow.PerMessage::other),
                            micros(cpu, CpuWindow.PerMessage::machine),
                            calls(cpu, CpuWindow.PerMessage::clientCalls),
                            calls(cpu, CpuWindow.PerMessage::masterCalls),
                            calls(cpu, CpuWindow.PerMessage::slaveCalls));
                }
            }
        }
        Table failoverTable =
                new Table("master kill -9", "consumer resumed on the slave (ms)", "consumed before the kill");
        for (Failover f : failovers) {
            failoverTable.row(
                    label(f.side()),
                    Double.isNaN(f.resumedMillis()) ? "timeout" : String.format(Locale.ROOT, "%.0f", f.resumedMillis()),
                    f.consumedBeforeKill());
        }
        return table.render() + "\n" + cpuTable.render() + "\n" + failoverTable.render()
                + "\nlag = master commitLogMaxOffset - slave's, sampled every 100 ms in the measured window;"
                + " catch-up = from the end of the load to lag 0; CPU = user + system time of each process over the"
                + " measured window per acknowledged send (client = the load generator's JVM; other = the rest of"
                + " the machine's busy time); reads/writes/switches = read and write system calls (/proc/<pid>/io"
                + " syscr, syscw: read/write/readv/writev, what NIO uses; our brokers' epoll recvfrom/sendto are not"
                + " counted) and context switches of each process per send\n";
    }

    private static String label(String side) {
        return side.equals("ours") ? "ours" : "Apache 4.9.7";
    }

    private static String micros(List<CpuWindow.PerMessage> values, ToDoubleFunction<CpuWindow.PerMessage> field) {
        return fmt("%.0f", values.stream().map(field::applyAsDouble).toList());
    }

    private static String calls(
            List<CpuWindow.PerMessage> values,
            java.util.function.Function<CpuWindow.PerMessage, CpuWindow.SyscallsPerMessage> field) {
        if (values.isEmpty()) {
            return "-";
        }
        return fmt("%.2f", values.stream().map(v -> field.apply(v).reads()).toList()) + "/"
                + fmt("%.2f", values.stream().map(v -> field.apply(v).writes()).toList()) + "/"
                + fmt(
                        "%.2f",
                        values.stream().map(v -> field.apply(v).switches()).toList());
    }

    private static String fmt(String format, List<Double> values) {
        if (values.isEmpty()) {
            return "-";
        }
        List<Double> sorted = values.stream().sorted().toList();
        return String.format(Locale.ROOT, format, sorted.get(sorted.size() / 2));
    }

    /** Samples the lag every 100 ms from the end of the warm-up until stopped. */
    private static final class LagSampler {
        private final DefaultMQAdminExt admin;
        private final BrokerNode master;
        private final BrokerNode slave;
        private final List<Long> samples = new ArrayList<>();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lag-sampler");
            thread.setDaemon(true);
            return thread;
        });

        LagSampler(DefaultMQAdminExt admin, BrokerNode master, BrokerNode slave) {
            this.admin = admin;
            this.master = master;
            this.slave = slave;
        }

        void start(Duration warmup) {
            timer.scheduleAtFixedRate(this::sample, warmup.toMillis(), 100, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try {
                long lag = lagBytes(admin, master, slave);
                synchronized (samples) {
                    samples.add(lag);
                }
            } catch (Exception missed) {
                // A missed sample is not a result; the next one comes 100 ms later.
            }
        }

        void stop() throws InterruptedException {
            timer.shutdownNow();
            timer.awaitTermination(10, TimeUnit.SECONDS);
        }

        double meanBytes() {
            synchronized (samples) {
                return samples.stream().mapToLong(Long::longValue).average().orElse(0);
            }
        }

        double maxBytes() {
            synchronized (samples) {
                return samples.stream().mapToLong(Long::longValue).max().orElse(0);
            }
        }
    }
}
