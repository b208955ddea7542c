package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.stats.QueueSnapshot;
import io.rocketkube.broker.stats.RequestQueues;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreStats;
import java.io.File;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * GET_BROKER_RUNTIME_INFO (§5.11): the keys mqadmin clusterList and brokerStatus read. GET_BROKER_CONFIG is
 * served by {@link BrokerConfigProcessor}.
 */
public final class BrokerInfoProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_BROKER_RUNTIME_INFO};

    private final BrokerSettings settings;
    private final MessageStore store;
    private final BrokerStats stats;
    private final RequestQueues queues;
    private final Clock clock;
    private final long bootTimestamp;
    /** Keys other parts of the broker add (the schedule's offsets). */
    private final Supplier<Map<String, String>> extra;

    private java.util.function.Supplier<Map<String, String>> extraInfo = Map::of;

    public BrokerInfoProcessor(
            BrokerSettings settings, MessageStore store, BrokerStats stats, RequestQueues queues, Clock clock) {
        this(settings, store, stats, queues, clock, Map::of);
    }

    public BrokerInfoProcessor(
            BrokerSettings settings,
            MessageStore store,
            BrokerStats stats,
            RequestQueues queues,
            Clock clock,
            Supplier<Map<String, String>> extra) {
        this.extra = extra;
        this.settings = settings;
        this.store = store;
        this.stats = stats;
        this.queues = queues;
        this.clock = clock;
        this.bootTimestamp = clock.millis();
    }

    /** More keys (replication's), asked for at each request. */
    public BrokerInfoProcessor withExtraInfo(java.util.function.Supplier<Map<String, String>> extra) {
        this.extraInfo = extra;
        return this;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        return Responses.json(request, new KVTable(runtimeInfo()));
    }

    private Map<String, String> runtimeInfo() {
        StoreStats s = store.stats();
        long now = clock.millis();
        Map<String, String> t = new TreeMap<>();
        t.put("brokerVersionDesc", "V4_9_8");
        t.put("brokerVersion", String.valueOf(RemotingCommand.OUR_VERSION));
        t.put("bootTimestamp", String.valueOf(bootTimestamp));
        t.put("runtime", runtime(now - bootTimestamp));
        t.put("putTps", stats.putTps());
        t.put("getTransferedTps", stats.getTps());
        // 5.x tools read the corrected spelling, and whether the broker runs its master-only services.
        t.put("getTransferredTps", stats.getTps());
        t.put("brokerActive", String.valueOf(settings.isMaster()));
        t.put("getFoundTps", stats.getTps());
        t.put("getMissTps", stats.getMissTps());
        t.put("getTotalTps", stats.getTotalTps());
        QueueSnapshot send = queues.send();
        putQueue(t, "send", send);
        putQueue(t, "pull", queues.pull());
        putQueue(t, "query", queues.query());
        // END_TRANSACTION is served by the send pool, so its requests wait in that queue: the same snapshot.
        t.put("EndTransactionQueueSize", String.valueOf(send.size()));
        t.put("EndTransactionThreadPoolQueueCapacity", String.valueOf(send.capacity()));
        t.put("pageCacheLockTimeMills", "0");
        t.put("earliestMessageTimeStamp", String.valueOf(s.earliestMessageTime()));
        t.put("commitLogMinOffset", String.valueOf(s.commitLogMinOffset()));
        t.put("commitLogMaxOffset", String.valueOf(s.commitLogMaxOffset()));
        t.put("dispatchBehindBytes", String.valueOf(s.dispatchBehindBytes()));
        t.put("putMessageTimesTotal", String.valueOf(s.putMessageCount()));
        t.put("putMessageSizeTotal", String.valueOf(s.putMessageBytes()));
        // mqadmin exportMetrics reports this as the average message size.
        t.put(
                "putMessageAverageSize",
                String.valueOf(s.putMessageCount() == 0 ? 0.0 : (double) s.putMessageBytes() / s.putMessageCount()));
        t.put("putMessageDistributeTime", stats.putTimeDistribution());
        t.put("putMessageEntireTimeMax", String.valueOf(stats.longestPutMillis()));
        t.put("getMessageEntireTimeMax", String.valueOf(stats.longestGetMillis()));
        t.put("putLatency99", String.format(Locale.ROOT, "%.2f", stats.putLatencyPercentile(0.99)));
        t.put("putLatency999", String.format(Locale.ROOT, "%.2f", stats.putLatencyPercentile(0.999)));
        t.put("putMessageFailedTimes", String.valueOf(stats.putFailures()));
        t.put("remainHowManyDataToFlush", humanBytes(Math.max(0, s.commitLogMaxOffset() - s.flushedOffset())));
        // Appends go straight into the segment files' page cache: there is no separate commit stage and no
        // pool of transient write buffers (RocketMQ reports Integer.MAX_VALUE when that pool is off).
        t.put("remainHowManyDataToCommit", humanBytes(0));
        t.put("remainTransientStoreBufferNumbs", String.valueOf(Integer.MAX_VALUE));
        t.put("dispatchMaxBuffer", "0");
        t.put("commitLogDirCapacity", dirCapacity());
        // The reference's brokerConfig value (sends refused before it); we have no such setting.
        t.put("startAcceptSendRequestTimeStamp", "0");
        t.put("commitLogDiskRatio", String.valueOf(diskRatio()));
        t.put("consumeQueueDiskRatio", String.valueOf(diskRatio()));
        t.put("msgPutTotalYesterdayMorning", String.valueOf(stats.putTotalYesterdayMorning()));
        t.put("msgPutTotalTodayMorning", String.valueOf(stats.putTotalTodayMorning()));
        t.put("msgPutTotalTodayNow", String.valueOf(stats.putTotal()));
        t.put("msgGetTotalYesterdayMorning", String.valueOf(stats.getTotalYesterdayMorning()));
        t.put("msgGetTotalTodayMorning", String.valueOf(stats.getTotalTodayMorning()));
        t.put("msgGetTotalTodayNow", String.valueOf(stats.getTotal()));
        t.put("brokerRole", settings.role().name());
        t.put("flushMode", settings.flushMode().name());
        t.putAll(extra.get());
        t.putAll(extraInfo.get());
        return t;
    }

    /** The reference's keys: {family}ThreadPoolQueueSize, ...Capacity, ...HeadWaitTimeMills (sic). */
    private static void putQueue(Map<String, String> t, String family, QueueSnapshot queue) {
        t.put(family + "ThreadPoolQueueSize", String.valueOf(queue.size()));
        t.put(family + "ThreadPoolQueueCapacity", String.valueOf(queue.capacity()));
        t.put(family + "ThreadPoolQueueHeadWaitTimeMills", String.valueOf(queue.headWaitMillis()));
    }

    /** The store's own measure, the one its write gate closes on. */
    private double diskRatio() {
        return store.health().diskUsedRatio();
    }

    /** The reference's "Total : 270.5 GiB, Free : 81.5 GiB." (free as this process may use it). */
    private String dirCapacity() {
        File dir = settings.storePath().toFile();
        return "Total : " + humanBytes(dir.getTotalSpace()) + ", Free : " + humanBytes(dir.getUsableSpace()) + ".";
    }

    private static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int exp = (int) (Math.log(bytes) / Math.log(1024));
        return String.format(Locale.ROOT, "%.1f %siB", bytes / Math.pow(1024, exp), "KMGTPE".charAt(exp - 1));
    }

    private static String runtime(long millis) {
        long seconds = millis / 1000;
        return "[ " + seconds / 86400 + " days, " + seconds % 86400 / 3600 + " hours, " + seconds % 3600 / 60
                + " minutes, " + seconds % 60 + " seconds ]";
    }
}
