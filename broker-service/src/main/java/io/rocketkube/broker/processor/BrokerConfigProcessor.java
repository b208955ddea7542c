package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.runtime.RuntimeConfig;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.HaSettings;
import io.rocketkube.broker.settings.PullTransferCaps;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.MessageStore;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG (§5.11), what mqadmin getBrokerConfig and updateBrokerConfig
 * send. Both bodies are java.util.Properties text ({@code key=value} lines, UTF-8).
 *
 * <p>An update is applied whole or not at all: a key that {@link RuntimeConfig} cannot apply at runtime
 * refuses the request with SYSTEM_ERROR naming it and the keys that can change (Apache RocketMQ answers
 * SUCCESS and ignores an unknown key, and sets a static one where it has no effect until a restart). A
 * changed broker permission gets a new topic data version, so that the registration that follows at once makes
 * every NameServer re-read the topics' perms; {@code autoCreateTopicEnable} adds or removes the template topic
 * clients look up to create topics.
 */
public final class BrokerConfigProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.GET_BROKER_CONFIG, RequestCode.UPDATE_BROKER_CONFIG};
    private static final Logger LOG = LoggerFactory.getLogger(BrokerConfigProcessor.class);

    private final BrokerSettings settings;
    private final RuntimeConfig runtime;
    private final TopicConfigManager topics;
    private final MessageStore store;
    private final IntSupplier listenPort;
    private final IntSupplier haListenPort;

    /**
     * @param listenPort the port clients reach, and {@code haListenPort} the HA port a master listens on:
     *     the bound ports, which differ from the settings when those ask for port 0
     */
    public BrokerConfigProcessor(
            BrokerSettings settings,
            RuntimeConfig runtime,
            TopicConfigManager topics,
            MessageStore store,
            IntSupplier listenPort,
            IntSupplier haListenPort) {
        this.settings = settings;
        this.runtime = runtime;
        this.topics = topics;
        this.store = store;
        this.listenPort = listenPort;
        this.haListenPort = haListenPort;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (request.code() == RequestCode.UPDATE_BROKER_CONFIG) {
            return update(request);
        }
        StringBuilder text = new StringBuilder();
        configTable().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS)
                .withExtField("version", new String(RemotingJson.encode(topics.dataVersion()), StandardCharsets.UTF_8))
                .withBody(text.toString()));
    }

    private CompletableFuture<RemotingCommand> update(RemotingCommand request) {
        Map<String, String> changes = new TreeMap<>();
        try {
            Properties properties = new Properties();
            byte[] body = request.body() == null ? new byte[0] : request.body();
            properties.load(new StringReader(new String(body, StandardCharsets.UTF_8)));
            properties.stringPropertyNames().forEach(k -> changes.put(k, properties.getProperty(k)));
        } catch (IOException | IllegalArgumentException e) {
            return Responses.error(request, ResponseCode.SYSTEM_ERROR, "string2Properties error: " + e.getMessage());
        }
        Map<String, String> table = configTable();
        for (String key : changes.keySet()) {
            if (!RuntimeConfig.KEYS.contains(key)) {
                return Responses.error(
                        request,
                        ResponseCode.SYSTEM_ERROR,
                        (table.containsKey(key)
                                        ? "broker config key [" + key + "] cannot be changed while the broker runs;"
                                                + " change it in the broker's configuration and restart it"
                                        : "broker config key [" + key + "] is unknown")
                                + "; keys that can be changed at runtime: " + RuntimeConfig.KEYS);
            }
        }
        return apply(request, changes);
    }

    /**
     * One update at a time, side effects and roll-back included: a roll-back puts back the state before this
     * update, which must not undo another that came in between.
     */
    private synchronized CompletableFuture<RemotingCommand> apply(
            RemotingCommand request, Map<String, String> changes) {
        RuntimeConfig.Snapshot previous = runtime.snapshot();
        Set<String> changed;
        try {
            changed = runtime.update(changes);
        } catch (IllegalArgumentException e) {
            return Responses.error(request, ResponseCode.SYSTEM_ERROR, e.getMessage());
        } catch (IOException e) {
            LOG.error("cannot persist broker config update {}", changes, e);
            return Responses.error(request, ResponseCode.SYSTEM_ERROR, "cannot persist the broker config: " + e);
        }
        try {
            takeEffect(changed);
        } catch (UncheckedIOException e) {
            return rollBack(request, previous, changed, e);
        }
        if (!changed.isEmpty()) {
            LOG.info("broker config changed at runtime: {}", subset(runtime.current(), changed));
        }
        return Responses.ok(request);
    }

    /**
     * What a changed key needs beyond the new value being read where it is used: the topic table (the template
     * of automatic creation, or a new data version so that the registration that follows makes every NameServer
     * re-read the topics' perms) and the store's retention.
     */
    private void takeEffect(Set<String> changed) {
        // The store first: it cannot fail, so it follows whatever is in force even when the topic table cannot.
        if (changed.stream().anyMatch(RuntimeConfig.RETENTION_KEYS::contains)) {
            store.retentionPolicy(runtime.retentionPolicy());
        }
        if (changed.contains(RuntimeConfig.AUTO_CREATE_TOPIC) && settings.isMaster()) {
            topics.autoCreateTemplate(runtime.autoCreateTopic(), settings.defaultTopicQueueNums());
        }
        if (changed.contains(RuntimeConfig.BROKER_PERMISSION)) {
            topics.touch();
        }
    }

    /**
     * The topic table could not follow: undo, so that the broker never refuses what its routes offer, and
     * make the table and the store follow what is in force then, as far as they can.
     */
    private CompletableFuture<RemotingCommand> rollBack(
            RemotingCommand request, RuntimeConfig.Snapshot previous, Set<String> changed, UncheckedIOException cause) {
        boolean restored = true;
        try {
            runtime.restore(previous);
        } catch (IOException e) {
            restored = false;
            cause.addSuppressed(e);
        }
        try {
            takeEffect(changed);
        } catch (UncheckedIOException e) {
            cause.addSuppressed(e);
        }
        LOG.error("broker config change {} failed; rolled back: {}", changed, restored, cause);
        return Responses.error(
                request,
                ResponseCode.SYSTEM_ERROR,
                restored
                        ? "broker config not changed: " + cause.getMessage()
                        : "broker config change failed and could not be rolled back; in force now: "
                                + subset(runtime.current(), changed) + "; " + cause.getMessage());
    }

    private static Map<String, String> subset(Map<String, String> all, Set<String> keys) {
        Map<String, String> some = new TreeMap<>(all);
        some.keySet().retainAll(keys);
        return some;
    }

    private Map<String, String> configTable() {
        Map<String, String> c = new TreeMap<>();
        c.put("brokerClusterName", settings.clusterName());
        // mqadmin exportMetrics reads this as the machine's CPU count, as the reference's default is.
        c.put(
                "clientCallbackExecutorThreads",
                String.valueOf(Runtime.getRuntime().availableProcessors()));
        c.put("brokerName", settings.brokerName());
        c.put("brokerId", String.valueOf(settings.brokerId()));
        c.put("brokerRole", settings.role().name());
        c.put("flushDiskType", settings.flushMode().name());
        c.put("brokerIP1", settings.advertisedHost());
        c.put("listenPort", String.valueOf(listenPort.getAsInt()));
        c.put("haListenPort", String.valueOf(haListenPort.getAsInt()));
        c.put("namesrvAddr", settings.namesrvAddr());
        c.put("storePathRootDir", settings.storePath().toString());
        c.put("defaultTopicQueueNums", String.valueOf(settings.defaultTopicQueueNums()));
        c.put("mappedFileSizeCommitLog", String.valueOf(settings.commitLogSegmentSize()));
        c.put("messageDelayLevel", settings.delayLevels().toString());
        c.put("enablePropertyFilter", String.valueOf(settings.enablePropertyFilter()));
        c.put(
                "transactionTimeOut",
                String.valueOf(settings.transaction().timeout().toMillis()));
        c.put("transactionCheckMax", String.valueOf(settings.transaction().checkMax()));
        c.put(
                "transactionCheckInterval",
                String.valueOf(settings.transaction().checkInterval().toMillis()));
        // The reference's names for settings we have under our own (our README lists both).
        c.put("brokerIP2", settings.advertisedHost());
        c.put("storePathCommitLog", settings.storePath().resolve("commitlog").toString());
        c.put("aclEnable", String.valueOf(settings.aclFile().isPresent()));
        c.put(
                "registerNameServerPeriod",
                String.valueOf(settings.registerInterval().toMillis()));
        c.put(
                "flushConsumerOffsetInterval",
                String.valueOf(settings.offsetPersistInterval().toMillis()));
        PullTransferCaps pull = settings.pullCaps();
        c.put("maxTransferCountOnMessageInMemory", String.valueOf(pull.maxCountInMemory()));
        c.put("maxTransferBytesOnMessageInMemory", String.valueOf(pull.maxBytesInMemory()));
        c.put("maxTransferCountOnMessageInDisk", String.valueOf(pull.maxCountOnDisk()));
        c.put("maxTransferBytesOnMessageInDisk", String.valueOf(pull.maxBytesOnDisk()));
        c.put("accessMessageInMemoryMaxRatio", String.valueOf(pull.inMemoryMaxRatioPercent()));
        HaSettings ha = settings.ha();
        c.put("slaveTimeout", String.valueOf(ha.slaveTimeout().toMillis()));
        c.put("haSlaveFallbehindMax", String.valueOf(ha.maxGapNotInSync()));
        c.put("haHousekeepingInterval", String.valueOf(ha.housekeepingInterval().toMillis()));
        c.put("haSendHeartbeatInterval", String.valueOf(ha.heartbeatInterval().toMillis()));
        c.put("haTransferBatchSize", String.valueOf(ha.transferBatchSize()));
        ha.masterHaAddress().ifPresent(address -> c.put("haMasterAddress", address));
        // Always on here, switches in the reference.
        c.put("longPollingEnable", "true");
        c.put("messageIndexEnable", "true");
        c.put("notifyConsumerIdsChangedEnable", "true");
        c.put("transientStorePoolEnable", "false");
        // What we do not have, said as the reference's keys (mqadmin exportConfigs reads each of them): no filter
        // servers, no TLS, and no trace topic created at start; send answers carry TRACE_ON=true, as 4.9's do.
        c.put("filterServerNums", "0");
        c.put("useTLS", "false");
        c.put("traceOn", "true");
        c.put("traceTopicEnable", "false");
        c.put("msgTraceTopicName", TopicNames.TRACE_TOPIC);
        // brokerPermission, autoCreate*, slaveReadEnable, maxMessageSize and retention: as changed at runtime.
        c.putAll(runtime.current());
        return c;
    }
}
