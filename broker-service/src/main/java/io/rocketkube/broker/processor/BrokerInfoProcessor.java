package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.BrokerSettings;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.KVTable;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreStats;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * GET_BROKER_RUNTIME_INFO and GET_BROKER_CONFIG (§5.11): the keys mqadmin clusterList and brokerStatus read.
 */
public final class BrokerInfoProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_BROKER_RUNTIME_INFO, RequestCode.GET_BROKER_CONFIG};

    private final BrokerSettings settings;
    private final MessageStore store;
    private final BrokerStats stats;
    private final TopicConfigManager topics;
    private final Clock clock;
    private final long bootTimestamp;

    public BrokerInfoProcessor(BrokerSettings settings, MessageStore store, BrokerStats stats,
                               TopicConfigManager topics, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.stats = stats;
        this.topics = topics;
        this.clock = clock;
        this.bootTimestamp = clock.millis();
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (request.code() == RequestCode.GET_BROKER_CONFIG) {
            StringBuilder text = new StringBuilder();
            configTable().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
            return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS)
                    .withExtField("version", new String(RemotingJson.encode(topics.dataVersion()), StandardCharsets.UTF_8))
                    .withBody(text.toString()));
        }
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
        t.put("getFoundTps", stats.getTps());
        t.put("getMissTps", "0.0 0.0 0.0");
        t.put("getTotalTps", stats.getTps());
        t.put("sendThreadPoolQueueSize", "0");
        t.put("pullThreadPoolQueueSize", "0");
        t.put("sendThreadPoolQueueHeadWaitTimeMills", "0");
        t.put("pullThreadPoolQueueHeadWaitTimeMills", "0");
        t.put("pageCacheLockTimeMills", "0");
        t.put("earliestMessageTimeStamp", String.valueOf(s.earliestMessageTime()));
        t.put("commitLogMinOffset", String.valueOf(s.commitLogMinOffset()));
        t.put("commitLogMaxOffset", String.valueOf(s.commitLogMaxOffset()));
        t.put("dispatchBehindBytes", String.valueOf(s.dispatchBehindBytes()));
        t.put("putMessageTimesTotal", String.valueOf(s.putMessageCount()));
        t.put("putMessageSizeTotal", String.valueOf(s.putMessageBytes()));
        t.put("commitLogDiskRatio", String.valueOf(diskRatio()));
        t.put("consumeQueueDiskRatio", String.valueOf(diskRatio()));
        t.put("msgPutTotalYesterdayMorning", "0");
        t.put("msgPutTotalTodayMorning", "0");
        t.put("msgPutTotalTodayNow", String.valueOf(stats.putTotal()));
        t.put("msgGetTotalYesterdayMorning", "0");
        t.put("msgGetTotalTodayMorning", "0");
        t.put("msgGetTotalTodayNow", String.valueOf(stats.getTotal()));
        t.put("brokerRole", settings.role().name());
        t.put("flushMode", settings.flushMode().name());
        return t;
    }

    private double diskRatio() {
        File dir = settings.storePath().toFile();
        long total = dir.getTotalSpace();
        return total <= 0 ? 0.0 : (double) (total - dir.getUsableSpace()) / total;
    }

    private static String runtime(long millis) {
        long seconds = millis / 1000;
        return "[ " + seconds / 86400 + " days, " + seconds % 86400 / 3600 + " hours, " + seconds % 3600 / 60
                + " minutes, " + seconds % 60 + " seconds ]";
    }

    private Map<String, String> configTable() {
        Map<String, String> c = new TreeMap<>();
        c.put("brokerClusterName", settings.clusterName());
        c.put("brokerName", settings.brokerName());
        c.put("brokerId", String.valueOf(settings.brokerId()));
        c.put("brokerRole", settings.role().name());
        c.put("flushDiskType", settings.flushMode().name());
        c.put("brokerIP1", settings.advertisedHost());
        c.put("listenPort", String.valueOf(settings.port()));
        c.put("haListenPort", String.valueOf(settings.haPort()));
        c.put("namesrvAddr", settings.namesrvAddr());
        c.put("storePathRootDir", settings.storePath().toString());
        c.put("autoCreateTopicEnable", String.valueOf(settings.autoCreateTopic()));
        c.put("autoCreateSubscriptionGroup", String.valueOf(settings.autoCreateSubscriptionGroup()));
        c.put("defaultTopicQueueNums", String.valueOf(settings.defaultTopicQueueNums()));
        c.put("maxMessageSize", String.valueOf(settings.maxMessageSize()));
        c.put("fileReservedTime", String.valueOf(settings.fileReservedHours()));
        c.put("mappedFileSizeCommitLog", String.valueOf(settings.commitLogSegmentSize()));
        c.put("diskMaxUsedSpaceRatio", String.valueOf(settings.diskMaxUsedSpaceRatio()));
        return c;
    }
}
