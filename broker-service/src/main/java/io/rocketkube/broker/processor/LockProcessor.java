package io.rocketkube.broker.processor;

import io.netty.channel.Channel;
import io.rocketkube.client.protocol.LockBatchBody;
import io.rocketkube.client.protocol.LockBatchResponseBody;
import io.rocketkube.client.protocol.MessageQueue;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.time.Clock;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * LOCK_BATCH_MQ and UNLOCK_BATCH_MQ (§5.8): per (group, queue) ownership for orderly consumers. A lock is
 * granted when free, already held by the caller, or not renewed for {@link #LOCK_MAX_LIVE_MILLIS}.
 */
public final class LockProcessor implements RequestProcessor {
    public static final int[] CODES = {RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ};
    static final long LOCK_MAX_LIVE_MILLIS = 60_000;

    private record Lock(String clientId, long lastRenewed) {}

    private final Map<String, Map<MessageQueue, Lock>> locks = new ConcurrentHashMap<>();
    private final Clock clock;

    public LockProcessor(Clock clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) {
        LockBatchBody body = RemotingJson.decode(request.body(), LockBatchBody.class);
        if (body.consumerGroup() == null || body.clientId() == null) {
            throw Responses.reject(ResponseCode.SYSTEM_ERROR, "lock body needs consumerGroup and clientId");
        }
        Responses.legalGroup(body.consumerGroup());
        body.mqSet().forEach(mq -> Responses.legalTopic(mq.topic()));
        Map<MessageQueue, Lock> group = locks.computeIfAbsent(body.consumerGroup(), g -> new ConcurrentHashMap<>());
        if (request.code() == RequestCode.UNLOCK_BATCH_MQ) {
            body.mqSet()
                    .forEach(mq -> group.computeIfPresent(
                            mq, (k, lock) -> lock.clientId().equals(body.clientId()) ? null : lock));
            return Responses.ok(request);
        }
        long now = clock.millis();
        Set<MessageQueue> granted = new HashSet<>();
        for (MessageQueue mq : body.mqSet()) {
            Lock result = group.compute(
                    mq,
                    (k, lock) -> lock == null
                                    || lock.clientId().equals(body.clientId())
                                    || now - lock.lastRenewed() > LOCK_MAX_LIVE_MILLIS
                            ? new Lock(body.clientId(), now)
                            : lock);
            if (result.clientId().equals(body.clientId())) {
                granted.add(mq);
            }
        }
        return Responses.json(request, new LockBatchResponseBody(granted));
    }
}
