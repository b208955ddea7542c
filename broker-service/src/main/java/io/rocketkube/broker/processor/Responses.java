package io.rocketkube.broker.processor;

import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.RemotingJson;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestRejectedException;
import java.util.concurrent.CompletableFuture;

/** Small helpers every processor uses to answer. */
final class Responses {
    private Responses() {}

    static CompletableFuture<RemotingCommand> ok(RemotingCommand request) {
        return CompletableFuture.completedFuture(request.response(ResponseCode.SUCCESS));
    }

    static CompletableFuture<RemotingCommand> json(RemotingCommand request, Object body) {
        return CompletableFuture.completedFuture(
                request.response(ResponseCode.SUCCESS).withBody(RemotingJson.encode(body)));
    }

    static CompletableFuture<RemotingCommand> error(RemotingCommand request, int code, String remark) {
        return CompletableFuture.completedFuture(request.response(code, remark));
    }

    static RequestRejectedException reject(int code, String remark) {
        return new RequestRejectedException(code, remark);
    }

    /**
     * {@code topic}, if it is a legal topic name; otherwise the request is refused with SYSTEM_ERROR, the
     * code the reference answers for an illegal name, before anything is touched.
     */
    static String legalTopic(String topic) {
        String problem = TopicNames.problem(topic);
        if (problem != null) {
            throw reject(ResponseCode.SYSTEM_ERROR, problem);
        }
        return topic;
    }

    /** {@code group}, if it is a legal group name; otherwise the request is refused with SYSTEM_ERROR. */
    static String legalGroup(String group) {
        String problem = TopicNames.groupProblem(group);
        if (problem != null) {
            throw reject(ResponseCode.SYSTEM_ERROR, problem);
        }
        return group;
    }

    /** Like {@link #legalTopic} for an optional field: null or empty passes. */
    static String legalTopicIfPresent(String topic) {
        return topic == null || topic.isEmpty() ? topic : legalTopic(topic);
    }

    /** Like {@link #legalGroup} for an optional field: null or empty passes. */
    static String legalGroupIfPresent(String group) {
        return group == null || group.isEmpty() ? group : legalGroup(group);
    }
}
