package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.broker.client.ConsumerManager;
import io.rocketkube.broker.topic.TopicConfigManager;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.ConsumeQueueData;
import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.QueryConsumeQueueResponseBody;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.protocol.SubscriptionData;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import io.rocketkube.store.ConsumeQueueEntry;
import io.rocketkube.store.MessageStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mqadmin's store maintenance and its raw ConsumeQueue view (§5.11): CLEAN_EXPIRED_CONSUMEQUEUE
 * (cleanExpiredCQ), DELETE_EXPIRED_COMMITLOG (deleteExpiredCommitLog), CLEAN_UNUSED_TOPIC (cleanUnusedTopic) and
 * QUERY_CONSUME_QUEUE (queryCq).
 *
 * <p>The two deletions run on the store's scheduler thread, never beside a retention pass. The answer waits for
 * them at most {@link #WAIT} and holds no thread meanwhile; a pass still running then is said to go on, as
 * RocketMQ's broker only asks for one and answers at once.
 *
 * <p>cleanUnusedTopic deletes the ConsumeQueues of topics that have no configuration, except the ones the broker
 * writes without one (transaction halves, ops and discards). It lists the store's topics before the
 * configurations: a topic gets its configuration before its first message is stored, so one created meanwhile
 * is seen configured. A slave leaves its queues alone: its configurations are a periodic copy of its master's,
 * and a topic new on the master would look unused there.
 */
public final class StoreAdminProcessor implements RequestProcessor {
    public static final int[] CODES = {
        RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE,
        RequestCode.DELETE_EXPIRED_COMMITLOG,
        RequestCode.CLEAN_UNUSED_TOPIC,
        RequestCode.QUERY_CONSUME_QUEUE
    };

    /** More entries than an admin reads at once; a larger count is cut to it. */
    static final int MAX_QUERY_COUNT = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(StoreAdminProcessor.class);
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final Set<String> STORED_WITHOUT_CONFIG =
            Set.of(TopicNames.TRANS_HALF_TOPIC, TopicNames.TRANS_OP_HALF_TOPIC, TopicNames.TRANS_CHECK_MAX_TIME_TOPIC);

    private final MessageStore store;
    private final TopicConfigManager topics;
    private final ConsumerManager consumers;
    private final boolean slave;

    public StoreAdminProcessor(
            MessageStore store, TopicConfigManager topics, ConsumerManager consumers, boolean slave) {
        this.store = store;
        this.topics = topics;
        this.consumers = consumers;
        this.slave = slave;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        String asker = String.valueOf(channel.remoteAddress());
        return switch (request.code()) {
            case RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE -> {
                LOG.info("cleanExpiredCQ asked by {}", asker);
                yield answerWhenDone(request, store.dropExpiredQueueFilesNow(), done -> null);
            }
            case RequestCode.DELETE_EXPIRED_COMMITLOG -> {
                LOG.info("deleteExpiredCommitLog asked by {}", asker);
                yield answerWhenDone(
                        request,
                        store.deleteExpiredSegmentsNow(),
                        deleted -> deleted + " expired commit log segment(s) deleted");
            }
            case RequestCode.CLEAN_UNUSED_TOPIC -> cleanUnusedTopics(request, asker);
            case RequestCode.QUERY_CONSUME_QUEUE -> queryConsumeQueue(request);
            default ->
                Responses.error(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, "unexpected code " + request.code());
        };
    }

    private <T> CompletableFuture<RemotingCommand> answerWhenDone(
            RemotingCommand request, CompletableFuture<T> work, java.util.function.Function<T, String> remark) {
        return work.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).handle((result, failure) -> {
            if (failure == null) {
                return request.response(ResponseCode.SUCCESS, remark.apply(result));
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                return request.response(ResponseCode.SUCCESS, "still running after " + WAIT.toSeconds() + " s");
            }
            LOG.warn("store maintenance failed", cause);
            return request.response(ResponseCode.SYSTEM_ERROR, String.valueOf(cause.getMessage()));
        });
    }

    private CompletableFuture<RemotingCommand> cleanUnusedTopics(RemotingCommand request, String asker) {
        if (slave) {
            LOG.info("cleanUnusedTopic asked by {}: a slave's topics follow its master's, nothing deleted", asker);
            return CompletableFuture.completedFuture(
                    request.response(ResponseCode.SUCCESS, "a slave keeps its master's topics"));
        }
        Set<String> stored = new TreeSet<>(store.topics());
        Set<String> kept = new HashSet<>(topics.all().keySet());
        kept.addAll(STORED_WITHOUT_CONFIG);
        stored.removeAll(kept);
        for (String topic : stored) {
            store.deleteTopic(topic);
        }
        LOG.info("cleanUnusedTopic asked by {}: deleted the queues of {}", asker, stored);
        return CompletableFuture.completedFuture(
                request.response(ResponseCode.SUCCESS, "deleted the queues of " + stored.size() + " topic(s)"));
    }

    private CompletableFuture<RemotingCommand> queryConsumeQueue(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        String topic = Responses.legalTopic(h.string("topic"));
        int queueId = h.intValue("queueId");
        long index = h.longValue("index");
        int count = Math.min(h.intValue("count"), MAX_QUERY_COUNT);
        String group = Responses.legalGroupIfPresent(h.optionalString("consumerGroup"));
        if (!store.queueIds(topic).contains(queueId)) {
            return Responses.error(
                    request, ResponseCode.SYSTEM_ERROR, String.format("%d@%s is not exist!", queueId, topic));
        }
        SubscriptionData subscription = null;
        String filterData = null;
        if (group != null && !group.isEmpty()) {
            Optional<SubscriptionData> found = consumers.subscription(group, topic);
            subscription = found.orElse(null);
            if (found.isEmpty()) {
                filterData = String.format("%s@%s is not online!", group, topic);
            }
        }
        List<ConsumeQueueData> entries = new ArrayList<>();
        for (ConsumeQueueEntry e : store.consumeQueueEntries(topic, queueId, index, count)) {
            entries.add(new ConsumeQueueData(
                    e.commitLogOffset(), e.size(), e.tagsCode(), null, null, matches(subscription, e), null));
        }
        QueryConsumeQueueResponseBody body = new QueryConsumeQueueResponseBody(
                subscription, filterData, entries, store.maxOffset(topic, queueId), store.minOffset(topic, queueId));
        String remark = entries.isEmpty() && count > 0
                ? String.format("Index %d of %d@%s is not exist!", index, queueId, topic)
                : null;
        return CompletableFuture.completedFuture(
                request.response(ResponseCode.SUCCESS, remark).withBody(RemotingJson.encode(body)));
    }

    /** A tag subscription's verdict on the entry alone; SQL92 needs the record's properties, so it says false. */
    private static boolean matches(SubscriptionData subscription, ConsumeQueueEntry entry) {
        if (subscription == null) {
            return false;
        }
        String type = subscription.expressionType();
        if (type != null && !type.isEmpty() && !SubscriptionData.EXPRESSION_TAG.equals(type)) {
            return false;
        }
        String expression = subscription.subString();
        return expression == null
                || expression.isBlank()
                || SubscriptionData.SUB_ALL.equals(expression.trim())
                || subscription.codeSet().contains((int) entry.tagsCode());
    }
}
