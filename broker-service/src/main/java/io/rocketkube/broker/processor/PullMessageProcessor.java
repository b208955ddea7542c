package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.filter.ConsumerFilters;
import io.rocketkube.broker.group.SubscriptionGroupManager;
import io.rocketkube.broker.longpoll.PullRequestHoldService;
import io.rocketkube.broker.offset.ConsumerOffsetManager;
import io.rocketkube.broker.settings.BrokerSettings;
import io.rocketkube.broker.settings.PullTransferCaps;
import io.rocketkube.broker.slave.PullRedirect;
import io.rocketkube.broker.stats.BrokerStats;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.client.protocol.ConsumerData;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.PermName;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.protocol.SubscriptionGroupConfig;
import io.rocketkube.client.protocol.TopicConfig;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageStore;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * PULL_MESSAGE and LITE_PULL_MESSAGE (docs/protocol.md §5.4): checks in the reference's order, tag or
 * SQL92 ({@link ConsumerFilters}) filtering from the heartbeat's subscription (or the request's, with the
 * SUBSCRIPTION flag), long polling
 * through {@link PullRequestHoldService}, and a zero-copy body over the store's slices. Every answer carries
 * the four header fields the client unboxes.
 */
public final class PullMessageProcessor implements RequestProcessor {
    static final int FLAG_COMMIT_OFFSET = 0x1;
    static final int FLAG_SUSPEND = 0x2;
    static final int FLAG_SUBSCRIPTION = 0x4;
    /** A pull asks for at most this many messages, whatever maxMsgNums says. */
    private static final int MAX_MESSAGES_PER_PULL = 1024;
    /** Held pulls answer before the client's 30 s pull RPC timeout even if it asked for longer. */
    private static final long MAX_SUSPEND_MILLIS = 25_000;

    private final BrokerSettings settings;
    private final MessageStore store;
    private final TopicConfigManager topics;
    private final SubscriptionGroupManager groups;
    private final ConsumerManager consumers;
    private final ConsumerOffsetManager offsets;
    private final PullRequestHoldService holds;
    private final BrokerStats stats;
    private final Executor executor;
    private final PullRedirect redirect;
    private final ConsumerFilters filters;

    public PullMessageProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerManager consumers,
            ConsumerOffsetManager offsets,
            PullRequestHoldService holds,
            BrokerStats stats,
            Executor executor) {
        this(
                settings,
                store,
                topics,
                groups,
                consumers,
                offsets,
                holds,
                stats,
                executor,
                PullRedirect.masterOnly(),
                new ConsumerFilters(settings.enablePropertyFilter()));
    }

    public PullMessageProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerManager consumers,
            ConsumerOffsetManager offsets,
            PullRequestHoldService holds,
            BrokerStats stats,
            Executor executor,
            PullRedirect redirect) {
        this(
                settings,
                store,
                topics,
                groups,
                consumers,
                offsets,
                holds,
                stats,
                executor,
                redirect,
                new ConsumerFilters(settings.enablePropertyFilter()));
    }

    public PullMessageProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerManager consumers,
            ConsumerOffsetManager offsets,
            PullRequestHoldService holds,
            BrokerStats stats,
            Executor executor,
            ConsumerFilters filters) {
        this(
                settings,
                store,
                topics,
                groups,
                consumers,
                offsets,
                holds,
                stats,
                executor,
                PullRedirect.masterOnly(),
                filters);
    }

    /**
     * @param redirect which broker each answer suggests the consumer pulls from next
     * @param filters  the compiled SQL92/tag filters of each group's subscriptions
     */
    public PullMessageProcessor(
            BrokerSettings settings,
            MessageStore store,
            TopicConfigManager topics,
            SubscriptionGroupManager groups,
            ConsumerManager consumers,
            ConsumerOffsetManager offsets,
            PullRequestHoldService holds,
            BrokerStats stats,
            Executor executor,
            PullRedirect redirect,
            ConsumerFilters filters) {
        this.redirect = redirect;
        this.filters = filters;
        this.settings = settings;
        this.store = store;
        this.topics = topics;
        this.groups = groups;
        this.consumers = consumers;
        this.offsets = offsets;
        this.holds = holds;
        this.stats = stats;
        this.executor = executor;
    }

    private record Pull(
            String group,
            String topic,
            int queueId,
            long queueOffset,
            int maxMsgNums,
            int sysFlag,
            long commitOffset,
            long suspendTimeoutMillis,
            String subscription,
            long subVersion,
            String expressionType) {
        static Pull parse(RemotingCommand request) {
            HeaderFields h = HeaderFields.of(request);
            return new Pull(
                    h.string("consumerGroup"),
                    h.string("topic"),
                    h.intValue("queueId"),
                    h.longValue("queueOffset"),
                    h.intValue("maxMsgNums"),
                    h.intValue("sysFlag"),
                    h.longValue("commitOffset"),
                    h.longValue("suspendTimeoutMillis"),
                    h.optionalString("subscription"),
                    h.longValue("subVersion"),
                    h.optionalString("expressionType"));
        }

        boolean has(int flag) {
            return (sysFlag & flag) != 0;
        }
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        Pull pull = Pull.parse(request);
        Responses.legalGroup(pull.group());
        Responses.legalTopic(pull.topic());
        return execute(channel, request, pull, true);
    }

    private CompletableFuture<RemotingCommand> execute(
            Channel channel, RemotingCommand request, Pull pull, boolean firstRun) {
        SubscriptionGroupConfig group = groups.findOrCreate(pull.group())
                .orElseThrow(() -> Responses.reject(
                        ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST,
                        "subscription group [" + pull.group() + "] does not exist"));
        if (!group.consumeEnable()) {
            throw Responses.reject(ResponseCode.NO_PERMISSION, "subscription group no permission, " + pull.group());
        }
        TopicConfig topic = topics.find(pull.topic())
                .or(() -> replicatedOnly(pull.topic()))
                .orElseThrow(() -> Responses.reject(
                        ResponseCode.TOPIC_NOT_EXIST, "topic[" + pull.topic() + "] not exist, apply first please!"));
        if (!PermName.isReadable(topic.perm())) {
            throw Responses.reject(
                    ResponseCode.NO_PERMISSION, "the topic[" + pull.topic() + "] pulling message is forbidden");
        }
        if (pull.queueId() < 0 || pull.queueId() >= topic.readQueueNums()) {
            throw Responses.reject(
                    ResponseCode.SYSTEM_ERROR,
                    "queueId[" + pull.queueId() + "] is illegal, topic:[" + pull.topic()
                            + "] topicConfig.readQueueNums:[" + topic.readQueueNums() + "]");
        }
        MessageFilter filter = filterFor(pull, group);
        long readStarted = System.nanoTime();
        GetResult result = read(pull, filter);
        stats.recordGetTime(System.nanoTime() - readStarted);
        if (firstRun && pull.has(FLAG_COMMIT_OFFSET) && settings.isMaster()) {
            offsets.commit(pull.group(), pull.topic(), pull.queueId(), pull.commitOffset());
        }
        int code = responseCode(result, pull.queueOffset());
        if (code == ResponseCode.PULL_NOT_FOUND && firstRun && pull.has(FLAG_SUSPEND)) {
            result.close();
            return suspend(channel, request, pull, filter);
        }
        PullRedirect.Advice advice = redirect.advise(group, slow(result));
        if (advice.retryElsewhereIfNotFound() && code != ResponseCode.SUCCESS) {
            code = ResponseCode.PULL_RETRY_IMMEDIATELY;
        }
        offsets.recordPull(pull.group(), pull.topic(), pull.queueId(), result.nextBeginOffset());
        RemotingCommand response = request.response(code, result.status().name())
                .withExtField("suggestWhichBrokerId", advice.suggestWhichBrokerId())
                .withExtField("nextBeginOffset", result.nextBeginOffset())
                .withExtField("minOffset", result.minOffset())
                .withExtField("maxOffset", result.maxOffset());
        if (code == ResponseCode.SUCCESS && result.messageCount() > 0) {
            stats.recordGet(pull.topic(), pull.group(), result.messageCount(), result.totalBytes());
            response.withBodyBuffer(ReleasingCompositeBuffer.of(result));
        } else {
            result.close();
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * On a slave, a topic whose messages it replicated before its copy of the master's topic table caught up (the
     * table is synced every few seconds; a topic created just before the master died may miss it): read-only,
     * with the queues the store holds. Without it the messages acknowledged last before a master's death could not
     * be consumed from the slave until the master returned.
     */
    private Optional<TopicConfig> replicatedOnly(String topic) {
        if (settings.isMaster()) {
            return Optional.empty();
        }
        int queues = store.queueIds(topic).stream().mapToInt(q -> q + 1).max().orElse(0);
        return queues == 0
                ? Optional.empty()
                : Optional.of(new TopicConfig(
                        topic, queues, queues, PermName.PERM_READ, TopicConfig.SINGLE_TAG, 0, false, null));
    }

    /**
     * Reads under the in-memory caps; if the answer starts on disk and is more than the on-disk caps allow,
     * reads again under those (the first read only mapped slices, nothing was copied).
     */
    private GetResult read(Pull pull, MessageFilter filter) {
        PullTransferCaps caps = settings.pullCaps();
        int wanted = Math.max(1, Math.min(pull.maxMsgNums(), MAX_MESSAGES_PER_PULL));
        GetResult result = store.get(
                pull.topic(),
                pull.queueId(),
                pull.queueOffset(),
                Math.min(wanted, caps.maxCountInMemory()),
                caps.maxBytesInMemory(),
                filter);
        if (result.messageCount() == 0
                || !caps.onDisk(
                        store.maxPhysicalOffset(), result.messages().get(0).physicalOffset())
                || (result.messageCount() <= caps.maxCountOnDisk() && result.totalBytes() <= caps.maxBytesOnDisk())) {
            return result;
        }
        result.close();
        return store.get(
                pull.topic(),
                pull.queueId(),
                pull.queueOffset(),
                Math.min(wanted, caps.maxCountOnDisk()),
                caps.maxBytesOnDisk(),
                filter);
    }

    /** RocketMQ's {@code suggestPullingFromSlave}: the answer's last message is likely only on disk. */
    private boolean slow(GetResult result) {
        int count = result.messageCount();
        return count > 0
                && settings.pullCaps()
                        .onDisk(
                                store.maxPhysicalOffset(),
                                result.messages().get(count - 1).physicalOffset());
    }

    /**
     * Parks the pull until a message arrives or its timeout passes. Past the held-pull caps it is answered at
     * once instead, as a pull without the suspend flag would be. When it resumes and the pull pool's queue is
     * full, it is answered SYSTEM_BUSY (the client pulls again after its back-off) rather than dropped, which
     * would leave the client waiting for its 30 s RPC timeout.
     */
    private CompletableFuture<RemotingCommand> suspend(
            Channel channel, RemotingCommand request, Pull pull, MessageFilter filter) {
        CompletableFuture<RemotingCommand> answer = new CompletableFuture<>();
        long timeout = Math.min(Math.max(pull.suspendTimeoutMillis(), 0), MAX_SUSPEND_MILLIS);
        Runnable resume = () -> {
            try {
                executor.execute(() -> rerun(channel, request, pull, answer));
            } catch (RejectedExecutionException e) {
                answer.complete(request.response(
                        ResponseCode.SYSTEM_BUSY, "[OVERLOAD]system busy, start flow control for a while"));
            }
        };
        if (!holds.tryHold(
                channel,
                pull.topic(),
                pull.queueId(),
                pull.queueOffset(),
                filter,
                timeout,
                resume,
                () -> store.maxOffset(pull.topic(), pull.queueId()))) {
            return execute(channel, request, pull, false);
        }
        return answer;
    }

    private void rerun(Channel channel, RemotingCommand request, Pull pull, CompletableFuture<RemotingCommand> answer) {
        try {
            execute(channel, request, pull, false).whenComplete((r, e) -> {
                if (e != null) {
                    answer.completeExceptionally(e);
                } else {
                    answer.complete(r);
                }
            });
        } catch (RuntimeException e) {
            answer.completeExceptionally(e);
        }
    }

    private MessageFilter filterFor(Pull pull, SubscriptionGroupConfig group) {
        SubscriptionData subscription;
        if (pull.has(FLAG_SUBSCRIPTION)) {
            if (ConsumerFilters.isSql92(pull.expressionType())) {
                return filters.forPull(pull.group(), pull.topic(), pull.subscription(), true);
            }
            if (pull.expressionType() != null && !SubscriptionData.EXPRESSION_TAG.equals(pull.expressionType())) {
                throw Responses.reject(
                        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                        "expression type " + pull.expressionType()
                                + " is not supported by this broker, only TAG and SQL92");
            }
            try {
                subscription = SubscriptionData.ofTags(pull.topic(), pull.subscription(), pull.subVersion());
            } catch (IllegalArgumentException e) {
                throw Responses.reject(
                        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                        "parse the consumer's subscription[" + pull.subscription() + "] failed, group: " + pull.group()
                                + ": " + e.getMessage());
            }
        } else {
            String model = consumers
                    .messageModel(pull.group())
                    .orElseThrow(() -> Responses.reject(
                            ResponseCode.SUBSCRIPTION_NOT_EXIST,
                            "the consumer's group info not exist, group: " + pull.group()));
            if (ConsumerData.BROADCASTING.equals(model) && !group.consumeBroadcastEnable()) {
                throw Responses.reject(
                        ResponseCode.NO_PERMISSION,
                        "the consumer group[" + pull.group() + "] can not consume by broadcast way");
            }
            subscription = consumers
                    .subscription(pull.group(), pull.topic())
                    .orElseThrow(() -> Responses.reject(
                            ResponseCode.SUBSCRIPTION_NOT_EXIST,
                            "the consumer's subscription not exist, group: " + pull.group() + ", topic: "
                                    + pull.topic()));
            if (subscription.subVersion() < pull.subVersion()) {
                throw Responses.reject(ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
            }
            if (ConsumerFilters.isSql92(subscription.expressionType())) {
                return filters.forPull(pull.group(), pull.topic(), subscription.subString(), false);
            }
            if (!SubscriptionData.EXPRESSION_TAG.equals(subscription.expressionType())) {
                throw Responses.reject(
                        ResponseCode.SUBSCRIPTION_PARSE_FAILED,
                        "expression type " + subscription.expressionType()
                                + " is not supported by this broker, only TAG and SQL92");
            }
        }
        if (subscription.matchesAll()) {
            return MessageFilter.ALL;
        }
        Set<Long> codes = new HashSet<>();
        subscription.codeSet().forEach(c -> codes.add((long) c));
        return MessageFilter.tagsCodeIn(codes);
    }

    /** The table of §5.4. */
    static int responseCode(GetResult result, long requestedOffset) {
        return switch (result.status()) {
            case FOUND -> ResponseCode.SUCCESS;
            case NO_MATCHED_MESSAGE, MESSAGE_WAS_REMOVING -> ResponseCode.PULL_RETRY_IMMEDIATELY;
            case OFFSET_FOUND_NULL, OFFSET_OVERFLOW_ONE -> ResponseCode.PULL_NOT_FOUND;
            case OFFSET_OVERFLOW_BADLY, OFFSET_TOO_SMALL -> ResponseCode.PULL_OFFSET_MOVED;
            case NO_MATCHED_LOGIC_QUEUE, NO_MESSAGE_IN_QUEUE ->
                requestedOffset != 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
        };
    }
}
