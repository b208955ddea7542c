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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * Transactional send + commit throughput, ours vs Apache RocketMQ 4.9.7: a fresh broker per side and flush mode
 * on an Apache 4.9.7 NameServer, then closed-loop {@code sendMessageInTransaction} of 1 KiB messages from
 * {@code --threads} threads sharing one official 4.9.8 TransactionMQProducer whose local transaction commits at
 * once. One operation = the half send (synchronous) plus the client's oneway END_TRANSACTION commit. Ends by
 * checking that the topic holds as many committed messages as were counted (the commits are oneway, so they are
 * awaited before counting).
 */
final class TransactionBenchmark {
  static final String TOPIC = "BenchTxTopic";

  record Phase(String side, String flush, double perSecond, double avgMillis, double p99Millis, long errors,
      long committed, long sent) {
  }

  private TransactionBenchmark() {
  }

  static String run(BenchOptions options) throws Exception {
    List<Phase> phases = new ArrayList<>();
    for (int run = 1; run <= options.runs(); run++) {
      for (String flush : options.flushModes()) {
        for (String side : options.sides()) {
          phases.add(once(side, flush, options));
        }
      }
    }
    Table table = new Table("flush (median of " + options.runs() + "), " + options.threads() + " threads", "broker",
        "tx msg/s", "avg ms", "p99 ms", "errors", "committed/sent");
    for (String flush : options.flushModes()) {
      for (String side : options.sides()) {
        List<Phase> mine = phases.stream().filter(p -> p.side().equals(side) && p.flush().equals(flush)).toList();
        table.row(flush, side.equals("ours") ? "ours" : "Apache 4.9.7",
            String.format(Locale.ROOT, "%.0f", Table.median(mine.stream().map(Phase::perSecond).toList())),
            String.format(Locale.ROOT, "%.2f", Table.median(mine.stream().map(Phase::avgMillis).toList())),
            String.format(Locale.ROOT, "%.2f", Table.median(mine.stream().map(Phase::p99Millis).toList())),
            Long.toString(mine.stream().mapToLong(Phase::errors).sum()),
            mine.stream().map(p -> p.committed() + "/" + p.sent()).reduce((a, b) -> a + " " + b).orElse("-"));
      }
    }
    return table.render();
  }

  private static Phase once(String side, String flush, BenchOptions options) throws Exception {
    ApacheNamesrv namesrv = ApacheNamesrv.builder("bench-tx-namesrv").build();
    namesrv.start();
    BrokerNode broker = switch (side) {
      case "apache" -> ApacheBroker.builder("bench-tx-apache").brokerName("bench-tx-apache")
          .namesrvAddrs(namesrv.address()).flushDiskType(flush).build();
      case "ours" -> OurBroker.builder("bench-tx-ours").brokerName("bench-tx-ours")
          .namesrvAddrs(namesrv.address()).flushMode(flush).heap(options.ourHeap())
          .jvmOptions(options.ourJvmOptions()).build();
      default -> throw new IllegalArgumentException("unknown side " + side + " (transaction: apache, ours)");
    };
    DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
    TransactionMQProducer producer = new TransactionMQProducer("bench_tx_producer_" + side);
    try {
      broker.start();
      admin.setNamesrvAddr(namesrv.address());
      admin.setInstanceName("bench-tx-admin-" + side + "-" + flush);
      admin.start();
      admin.createAndUpdateTopicConfig(broker.address(), new TopicConfig(TOPIC, 8, 8, 6));
      await("route of " + TOPIC).atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> !admin.examineTopicRouteInfo(TOPIC).getQueueDatas().isEmpty());
      producer.setNamesrvAddr(namesrv.address());
      producer.setInstanceName("bench-tx-producer-" + side + "-" + flush);
      producer.setTransactionListener(new TransactionListener() {
        @Override
        public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
          return LocalTransactionState.COMMIT_MESSAGE;
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt msg) {
          return LocalTransactionState.COMMIT_MESSAGE;
        }
      });
      producer.start();
      Load load = load(producer, options.threads(), options.warmup(), options.duration());
      // END_TRANSACTION is oneway: wait until the commits stop arriving before counting them.
      long[] last = {-1};
      await("commits settle").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> {
            long now = committed(admin);
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
          });
      Phase phase = new Phase(side, flush, load.sends / (options.duration().toNanos() / 1e9),
          load.latencies.meanMillis(), load.latencies.percentileMillis(99), load.errors, last[0], load.allSends);
      System.out.printf(Locale.ROOT, "transaction %-6s %-11s %d thread(s): %.0f tx/s, avg %.2f ms, p99 %.2f ms,"
              + " %d errors, %d committed of %d sent%n", side, flush, options.threads(), phase.perSecond(),
          phase.avgMillis(), phase.p99Millis(), phase.errors(), phase.committed(), phase.sent());
      return phase;
    } finally {
      producer.shutdown();
      admin.shutdown();
      broker.stop();
      namesrv.stop();
    }
  }

  private static long committed(DefaultMQAdminExt admin) throws Exception {
    return admin.examineTopicStats(TOPIC).getOffsetTable().values().stream()
        .mapToLong(o -> o.getMaxOffset() - o.getMinOffset()).sum();
  }

  private record Load(long sends, long allSends, long errors, Latencies latencies) {
  }

  /** Closed loop as {@link SendLoad}, with sendMessageInTransaction; warm-up completions are not measured. */
  private static Load load(TransactionMQProducer producer, int threads, Duration warmup, Duration duration)
      throws InterruptedException {
    byte[] body = new byte[SendLoad.BODY_BYTES];
    ThreadLocalRandom.current().nextBytes(body);
    AtomicLong errors = new AtomicLong();
    AtomicLong allSends = new AtomicLong();
    long measureFrom = System.nanoTime() + warmup.toNanos();
    long measureTo = measureFrom + duration.toNanos();
    List<Latencies> perThread = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Latencies mine = new Latencies();
      perThread.add(mine);
      Thread worker = new Thread(() -> {
        long myErrors = 0;
        long mySends = 0;
        for (long start = System.nanoTime(); start < measureTo; start = System.nanoTime()) {
          boolean ok;
          try {
            ok = producer.sendMessageInTransaction(new Message(TOPIC, body), null).getSendStatus()
                == SendStatus.SEND_OK;
          } catch (Exception e) {
            ok = false;
          }
          long end = System.nanoTime();
          if (ok) {
            mySends++;
          }
          if (end >= measureFrom && end < measureTo) {
            if (ok) {
              mine.record(end - start);
            } else {
              myErrors++;
            }
          }
        }
        errors.addAndGet(myErrors);
        allSends.addAndGet(mySends);
      }, "tx-send-" + t);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      worker.join();
    }
    Latencies all = Latencies.merge(perThread);
    return new Load(all.count(), allSends.get(), errors.get(), all);
  }
}
