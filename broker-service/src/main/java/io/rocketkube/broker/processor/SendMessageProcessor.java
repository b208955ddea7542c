package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.ha.SyncMasterReplication;
import io.rocketkube.broker.runtime.RuntimeConfig;
import io.rocketkube.broker.schedule.ScheduleRouter;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.timer.RecallHandle;
import io.rocketkube.broker.timer.TimerProperties;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.broker.transaction.HalfMessage;
import io.rocketkube.client.message.BatchBodyDecoder;
import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.client.message.PropertiesCodec;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.TagsCodeResolver;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import java.util.function.UnaryOperator;

/**
 * SEND_MESSAGE, SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE (docs/protocol.md §5.2). Validates everything
 * before anything is stored (a batch is stored whole or not at all), then answers when the store's future
 * completes: at once under ASYNC_FLUSH, once durable under SYNC_FLUSH.
 */
public final class SendMessageProcessor implements RequestProcessor {
    private static final String REGION = "DefaultRegion";

    private final BrokerSettings settings;
    private final IntSupplier maxMessageSize;
    private final MessageStore store;
    private final SendTarget target;
    private final SendGate gate;
    private final BrokerStats stats;
    private final InetSocketAddress storeHost;
    private final Executor sendPool;
    /** Reroutes a record before it is stored (delayed messages to the schedule topic); identity by default. */
    private final UnaryOperator<MessageRecordRequest> route;
    /** SYNC_MASTER: answers wait for a slave (set once at wiring, before the first request). */
    private SyncMasterReplication replication = SyncMasterReplication.none();

    private SendMessageProcessor(
            BrokerSettings settings,
            IntSupplier maxMessageSize,
            MessageStore store,
            SendTarget target,
            SendGate gate,
            BrokerStats stats,
            InetSocketAddress storeHost,
            Executor sendPool,
            UnaryOperator<MessageRecordRequest> route) {
        this.route = route;
        this.sendPool = sendPool;
        this.settings = settings;
        this.maxMessageSize = maxMessageSize;
        this.store = store;
        this.target = target;
        this.gate = gate;
        this.stats = stats;
        this.storeHost = storeHost;
    }

    /**
     * The processor, with every single message passed through {@code route} before it is stored.
     *
     * @param runtime what mqadmin may change while the broker runs: the body size limit and automatic topic
     *     creation are read from it at each send
     */
    public static SendMessageProcessor create(
            BrokerSettings settings,
            RuntimeConfig runtime,
            MessageStore store,
            io.rocketkube.broker.topic.TopicConfigManager topics,
            io.rocketkube.broker.group.SubscriptionGroupManager groups,
            SendGate gate,
            BrokerStats stats,
            InetSocketAddress storeHost,
            Executor sendPool,
            UnaryOperator<MessageRecordRequest> route) {
        return new SendMessageProcessor(
                settings,
                runtime::maxMessageSize,
                store,
                new SendTarget(topics, groups, runtime::autoCreateTopic),
                gate,
                stats,
                storeHost,
                sendPool,
                route);
    }

    /** Under SYNC_MASTER, sends are answered once a slave has them ({@link SyncMasterReplication}). */
    public SendMessageProcessor replicatedBy(SyncMasterReplication sync) {
        this.replication = sync;
        return this;
    }

    /**
     * A plain send or batch to an existing topic is stored on the I/O thread: encoding and the append are
     * a few microseconds of memory work (ASYNC_FLUSH copies into the pre-faulted mapping; SYNC_FLUSH does one
     * {@code pwrite} and completes later, from the flush thread), while the hand-over to the send pool and
     * back cost two context switches, most of a send's cost on a 2-core machine (perf of the benchmark:
     * {@code finish_task_switch} was the broker's top symbol). Anything that may create a topic (auto-create,
     * retry and dead-letter topics) or touch the disk otherwise stays on the pool.
     *
     * <p>The event loop must never wait on the disk, so SYNC_FLUSH (whose appends are {@code pwrite}s) never
     * runs inline, and an inline send only appends if that cannot block ({@link
     * MessageStore#tryPutBatchWithoutBlocking}): when a pool thread holds the append lock, or the record needs
     * a new CommitLog segment (creating a 1 GiB file), the append is handed to the send pool after all. Such a
     * handed-off send may be overtaken by a later inline one of the same connection; only pipelined async
     * sends can see that, and they have no order guarantee in RocketMQ either (its send pool reorders them).
     */
    @Override
    public boolean runsInline(RemotingCommand request) {
        if (!settings.sendOnIoThread() || !settings.isMaster() || settings.flushMode() == FlushMode.SYNC_FLUSH) {
            return false;
        }
        String topic = request.code() == RequestCode.SEND_MESSAGE ? request.extField("topic") : request.extField("b");
        return target.resolvesWithoutCreating(topic);
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        if (!settings.isMaster()) {
            return Responses.error(
                    request,
                    ResponseCode.SERVICE_NOT_AVAILABLE,
                    "the broker[" + settings.brokerName() + "] is a slave and does not take messages");
        }
        if (!gate.enter()) {
            return Responses.error(request, ResponseCode.SERVICE_NOT_AVAILABLE, "the broker is shutting down");
        }
        long started = System.nanoTime();
        CompletableFuture<RemotingCommand> answer;
        try {
            SendRequestHeader header = SendRequestHeader.parse(request);
            // The frame's bytes without a copy (the store copies them into the CommitLog); valid until answered.
            ByteBuffer body = request.bodyByteBuffer();
            InetSocketAddress bornHost = bornHost(channel);
            boolean batch = request.code() == RequestCode.SEND_BATCH_MESSAGE;
            List<MessageRecordRequest> records = batch
                    ? batchRecords(header, body, bornHost, request.version())
                    : List.of(singleRecord(header, body, bornHost, request.version()));
            long bodyBytes =
                    records.stream().mapToLong(r -> r.body().remaining()).sum();
            CompletableFuture<PutResult> put = replication.afterStored(
                    append(channel, records, batch),
                    records.get(0).waitStoreMsgOk(),
                    channel == null ? null : channel.eventLoop());
            answer = put.thenApply(result -> {
                if (result.status().isStored()) {
                    stats.recordPut(header.topic(), result.messageCount(), bodyBytes, System.nanoTime() - started);
                } else {
                    stats.recordPutFailure();
                }
                RemotingCommand response = response(request, result, answeredQueueId(records.get(0)));
                String recall = batch || !result.status().isStored() ? null : recallHandle(records.get(0));
                return recall == null ? response : response.withExtField("recallHandle", recall);
            });
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
        return answer.whenComplete((r, e) -> gate.leave());
    }

    /** On the event loop only an append that cannot block; anything else on the send pool (see runsInline). */
    private CompletableFuture<PutResult> append(Channel channel, List<MessageRecordRequest> records, boolean batch) {
        if (channel == null || !channel.eventLoop().inEventLoop()) {
            return batch ? store.putBatch(records) : store.put(records.get(0));
        }
        CompletableFuture<PutResult> inline = store.tryPutBatchWithoutBlocking(records);
        if (inline != null) {
            return inline;
        }
        try {
            return CompletableFuture.supplyAsync(
                            () -> batch ? store.putBatch(records) : store.put(records.get(0)), sendPool)
                    .thenCompose(put -> put);
        } catch (RejectedExecutionException e) {
            throw Responses.reject(ResponseCode.SYSTEM_BUSY, "[OVERLOAD]system busy, start flow control for a while");
        }
    }

    private MessageRecordRequest singleRecord(
            SendRequestHeader header, ByteBuffer body, InetSocketAddress bornHost, int version) {
        checkBodySize(body.remaining());
        SendTarget.Resolved where = target.resolve(header, version);
        Map<String, String> properties = PropertiesCodec.decode(header.properties());
        if (!HalfMessage.isHalf(properties)) {
            checkNoHalfTransactionType(header.sysFlag());
        }
        HalfMessage.Destination to =
                HalfMessage.destination(properties, where.topic(), where.queueId(), header.sysFlag());
        if (HalfMessage.TOPIC.equals(to.topic())) {
            // Like the reference, the half topic has a config, and so a route mqadmin can query, from its first half.
            target.ensureSystemTopic(HalfMessage.TOPIC);
        }
        boolean wait = !"false".equals(properties.remove(MessageProperties.WAIT_STORE_MSG_OK));
        properties.put(MessageProperties.CLUSTER, settings.clusterName());
        String encoded = encodeProperties(properties);
        return route.apply(MessageRecordRequest.builder(to.topic(), to.queueId(), body)
                .flag(header.flag())
                .sysFlag(to.sysFlag())
                .bornTimestamp(header.bornTimestamp())
                .bornHost(bornHost)
                .properties(encoded)
                .reconsumeTimes(header.reconsumeTimes())
                .tagsCode(TagsCodeResolver.ofTags(properties.get(MessageProperties.TAGS)))
                .keys(keys(properties.get(MessageProperties.KEYS)))
                .uniqKey(properties.get(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                .waitStoreMsgOk(wait)
                .build());
    }

    /**
     * RocketMQ 5.3's handle to recall a timer message ({@link RecallHandle}), for a single send that was timed (not
     * a cancel marker, not a retry); null otherwise. Clients before 5.3 ignore the extra answer field.
     */
    private String recallHandle(MessageRecordRequest stored) {
        if (!TopicNames.TIMER_TOPIC.equals(stored.topic()) || stored.uniqKey() == null) {
            return null;
        }
        String properties = stored.properties();
        String realTopic = PropertiesCodec.find(properties, MessageProperties.REAL_TOPIC);
        String out = PropertiesCodec.find(properties, TimerProperties.OUT_MS);
        if (realTopic == null
                || out == null
                || realTopic.startsWith(TopicNames.RETRY_PREFIX)
                || PropertiesCodec.find(properties, TimerProperties.DEL_UNIQKEY) != null) {
            return null;
        }
        return new RecallHandle(realTopic, settings.brokerName(), Long.parseLong(out), stored.uniqKey()).encode();
    }

    /** The queue the sender asked for, also when the record was put aside (delayed, or a transaction's half). */
    private static int answeredQueueId(MessageRecordRequest stored) {
        return TopicNames.SCHEDULE_TOPIC.equals(stored.topic()) || TopicNames.TIMER_TOPIC.equals(stored.topic())
                ? ScheduleRouter.requestedQueueId(stored)
                : HalfMessage.answeredQueueId(stored);
    }

    /**
     * A message whose SYSFLAG says prepared or rolled back is stored but never indexed for consumers, so one
     * sent as such without being a half (no TRAN_MSG) would be acknowledged and then never delivered: refused.
     * The reference stores it; no official client sends it.
     */
    private static void checkNoHalfTransactionType(int sysFlag) {
        int type = MessageSysFlag.transactionType(sysFlag);
        if (type == MessageSysFlag.TRANSACTION_PREPARED_TYPE || type == MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
            throw Responses.reject(
                    ResponseCode.MESSAGE_ILLEGAL,
                    "sysFlag " + sysFlag + " marks a transactional half or rollback, but the message is no half"
                            + " message (no " + MessageProperties.TRANSACTION_PREPARED + "=true)");
        }
    }

    private List<MessageRecordRequest> batchRecords(
            SendRequestHeader header, ByteBuffer body, InetSocketAddress bornHost, int version) {
        if (header.topic() != null && header.topic().startsWith(io.rocketkube.broker.topic.TopicNames.RETRY_PREFIX)) {
            throw Responses.reject(
                    ResponseCode.MESSAGE_ILLEGAL, "batch request does not support retry group " + header.topic());
        }
        ScheduleRouter.checkBatchProperties(header.properties());
        checkNoHalfTransactionType(header.sysFlag());
        BatchBodyDecoder.Result decoded = BatchBodyDecoder.decode(body);
        if (decoded instanceof BatchBodyDecoder.Result.Malformed malformed) {
            throw Responses.reject(ResponseCode.MESSAGE_ILLEGAL, "malformed batch body: " + malformed.reason());
        }
        List<BatchBodyDecoder.Entry> entries = ((BatchBodyDecoder.Result.Ok) decoded).entries();
        for (BatchBodyDecoder.Entry entry : entries) {
            checkBodySize(entry.body().remaining());
        }
        SendTarget.Resolved where = target.resolve(header, version);
        String batchProperties = PropertiesCodec.concat(
                header.properties(),
                MessageProperties.CLUSTER + PropertiesCodec.NAME_VALUE_SEPARATOR + settings.clusterName());
        boolean wait = !"false".equals(PropertiesCodec.find(header.properties(), MessageProperties.WAIT_STORE_MSG_OK));
        List<MessageRecordRequest> records = new ArrayList<>(entries.size());
        for (BatchBodyDecoder.Entry entry : entries) {
            String properties = PropertiesCodec.concat(entry.properties(), batchProperties);
            checkPropertiesSize(properties);
            records.add(MessageRecordRequest.builder(where.topic(), where.queueId(), entry.body())
                    .flag(entry.flag())
                    .sysFlag(header.sysFlag())
                    .bornTimestamp(header.bornTimestamp())
                    .bornHost(bornHost)
                    .properties(properties)
                    .reconsumeTimes(header.reconsumeTimes())
                    .tagsCode(TagsCodeResolver.ofTags(PropertiesCodec.find(entry.properties(), MessageProperties.TAGS)))
                    .keys(keys(PropertiesCodec.find(entry.properties(), MessageProperties.KEYS)))
                    .uniqKey(PropertiesCodec.find(entry.properties(), MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
                    .waitStoreMsgOk(wait)
                    .build());
        }
        return records;
    }

    private void checkBodySize(int length) {
        int max = maxMessageSize.getAsInt();
        if (length > max) {
            throw Responses.reject(ResponseCode.MESSAGE_ILLEGAL, "the message body size over max value, MAX: " + max);
        }
    }

    private static String encodeProperties(Map<String, String> properties) {
        String encoded = PropertiesCodec.encode(properties);
        checkPropertiesSize(encoded);
        return encoded;
    }

    private static void checkPropertiesSize(String properties) {
        if (properties.getBytes(StandardCharsets.UTF_8).length > StoredMessageLayout.MAX_PROPERTIES_LENGTH) {
            throw Responses.reject(
                    ResponseCode.MESSAGE_ILLEGAL,
                    "the message properties length is longer than " + StoredMessageLayout.MAX_PROPERTIES_LENGTH);
        }
    }

    private static List<String> keys(String keys) {
        if (keys == null || keys.isBlank()) {
            return List.of();
        }
        return Arrays.stream(keys.split(MessageProperties.KEY_SEPARATOR))
                .filter(k -> !k.isEmpty())
                .toList();
    }

    private static InetSocketAddress bornHost(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet
                : new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
    }

    /**
     * The remark of a refused send. A full disk is answered as RocketMQ does (SERVICE_NOT_AVAILABLE with
     * "service not available now ... the broker's disk is full"), so clients and operators recognise it.
     */
    static String refusalRemark(PutResult result) {
        String detail = result.errorMessage() == null ? "" : ": " + result.errorMessage();
        return switch (result.status()) {
            case OS_PAGECACHE_BUSY -> "[PC_SYNCHRONIZED]broker busy, start flow control for a while";
            case DISK_FULL -> "service not available now, the broker's disk is full" + detail;
            default -> result.status() + detail;
        };
    }

    /** The response code for a put's outcome; FLUSH_DISK_TIMEOUT is stored but not yet durable. */
    static int responseCode(PutResult result) {
        return switch (result.status()) {
            case PUT_OK -> ResponseCode.SUCCESS;
            case FLUSH_DISK_TIMEOUT -> ResponseCode.FLUSH_DISK_TIMEOUT;
            case FLUSH_SLAVE_TIMEOUT -> ResponseCode.FLUSH_SLAVE_TIMEOUT;
            case SLAVE_NOT_AVAILABLE -> ResponseCode.SLAVE_NOT_AVAILABLE;
            case MESSAGE_ILLEGAL, PROPERTIES_SIZE_EXCEEDED -> ResponseCode.MESSAGE_ILLEGAL;
            case SERVICE_NOT_AVAILABLE, DISK_FULL -> ResponseCode.SERVICE_NOT_AVAILABLE;
            case OS_PAGECACHE_BUSY, CREATE_MAPPED_FILE_FAILED, UNKNOWN_ERROR -> ResponseCode.SYSTEM_ERROR;
        };
    }

    private RemotingCommand response(RemotingCommand request, PutResult result, int queueId) {
        int code = responseCode(result);
        if (!result.status().isStored()) {
            return request.response(code, refusalRemark(result));
        }
        StringBuilder msgIds = new StringBuilder();
        for (int i = 0; i < result.messageCount(); i++) {
            if (i > 0) {
                msgIds.append(',');
            }
            msgIds.append(OffsetMsgId.encode(storeHost, result.physicalOffset(i)));
        }
        return request.response(code)
                .withExtField("msgId", msgIds.toString())
                .withExtField("queueId", queueId)
                .withExtField("queueOffset", result.firstQueueOffset())
                .withExtField(MessageProperties.MSG_REGION, REGION)
                .withExtField(MessageProperties.TRACE_SWITCH, "true");
    }
}
