package io.rocketkube.broker.transaction;

import io.micrometer.core.instrument.MeterRegistry;
import io.rocketkube.broker.client.ProducerManager;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.util.SafeTask;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.client.util.DaemonThreads;
import io.rocketkube.store.MessageStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactional messages as a whole (docs/transactions.md): rebuilds the settled chains from the op queue,
 * resumes the check-back where it stopped, and hands the broker its END_TRANSACTION processor. Half messages
 * themselves are parked by the send path ({@link HalfMessage}).
 *
 * <p>The check-back runs on a thread of its own: its puts may wait for a flush, and the broker's shared
 * scheduler must not stall behind them. A slave serves no check-back (it cannot write; its master does).
 */
public final class Transactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private final EndTransactionProcessor endTransaction;
    private final ResumeCheckProcessor resumeCheck;
    private final ScheduledExecutorService checkThread;
    private final TransactionCheckService checkService;
    private final long checkIntervalMillis;

    private Transactions(
            EndTransactionProcessor endTransaction,
            ResumeCheckProcessor resumeCheck,
            ScheduledExecutorService checkThread,
            TransactionCheckService checkService,
            long checkIntervalMillis) {
        this.endTransaction = endTransaction;
        this.resumeCheck = resumeCheck;
        this.checkThread = checkThread;
        this.checkService = checkService;
        this.checkIntervalMillis = checkIntervalMillis;
    }

    /**
     * Recovers the transaction state from the store (reads only); {@link #start} starts the check-back.
     *
     * @param bornHost the broker's own address, written as born host of the op records it makes
     */
    public static Transactions open(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            ProducerManager producers,
            MeterRegistry meters,
            Clock clock,
            InetSocketAddress bornHost)
            throws IOException {
        TransactionLedger ledger = new TransactionLedger();
        OpLog opLog = new OpLog(store, bornHost, topics);
        TransactionMetrics metrics = new TransactionMetrics(meters, store, ledger);
        long ops = opLog.replayInto(ledger);
        long halfEnd = store.maxOffset(HalfMessage.TOPIC, HalfMessage.QUEUE_ID);
        TransactionCheckService check = new TransactionCheckService(
                settings.transaction(),
                store,
                ledger,
                opLog,
                new CheckBackSender(producers),
                new CheckProgress(settings.storePath()),
                topics,
                metrics,
                clock);
        check.recover();
        LOG.info("transactions: {} op records replayed, {} half records", ops, halfEnd);
        EndTransactionProcessor processor =
                new EndTransactionProcessor(settings, store, ledger, opLog, metrics, clock, halfEnd);
        ResumeCheckProcessor resume = new ResumeCheckProcessor(settings.isMaster(), store, metrics);
        long interval = settings.transaction().checkInterval().toMillis();
        if (!settings.isMaster()) {
            return new Transactions(processor, resume, null, check, interval);
        }
        // The executor starts its thread at the first task, in start().
        ScheduledExecutorService thread =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("transaction-check"));
        return new Transactions(processor, resume, thread, check, interval);
    }

    /** Starts the check-back on a master's own thread; nothing on a slave. */
    public void start(MeterRegistry meters) {
        if (checkThread == null) {
            return;
        }
        SafeTask.scheduleWithFixedDelay(
                checkThread,
                "transaction-check",
                checkService::round,
                meters,
                checkIntervalMillis,
                checkIntervalMillis,
                TimeUnit.MILLISECONDS);
    }

    /** END_TRANSACTION (37). */
    public RequestProcessor endTransactionProcessor() {
        return endTransaction;
    }

    /** RESUME_CHECK_HALF_MESSAGE (323). */
    public RequestProcessor resumeCheckProcessor() {
        return resumeCheck;
    }

    /** The codes {@link #resumeCheckProcessor} serves. */
    public static int[] resumeCheckCodes() {
        return ResumeCheckProcessor.CODES.clone();
    }

    /** The check scan's progress in the half queue (for tests and diagnostics). */
    public long checkProgress() {
        return checkService.progress();
    }

    /** Stops the check-back, letting a running round finish its current write. */
    @Override
    public void close() {
        if (checkThread == null) {
            return;
        }
        checkThread.shutdown();
        try {
            if (!checkThread.awaitTermination(5, TimeUnit.SECONDS)) {
                checkThread.shutdownNow();
            }
        } catch (InterruptedException e) {
            checkThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
