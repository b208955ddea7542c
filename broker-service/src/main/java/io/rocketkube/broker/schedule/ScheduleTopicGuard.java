package io.rocketkube.broker.schedule;

import io.netty.channel.Channel;
import io.rocketkube.broker.topic.TopicNames;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.protocol.ResponseCode;
import io.rocketkube.client.remoting.RemotingCommand;
import io.rocketkube.client.remoting.RequestProcessor;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps clients from consuming SCHEDULE_TOPIC_XXXX (and the timer topic, for the same reason): its messages are not due yet, and a consumer reading
 * them would get every delayed message at once under the wrong topic. The topic stays in the topic table
 * (the reference keeps it there, with 18 queues, and mqadmin lists it), so the pull family is wrapped: a
 * pull of it is answered NO_PERMISSION before the pull processor sees it.
 */
public final class ScheduleTopicGuard implements RequestProcessor {
    private final RequestProcessor pulls;

    public ScheduleTopicGuard(RequestProcessor pulls) {
        this.pulls = pulls;
    }

    @Override
    public CompletableFuture<RemotingCommand> process(Channel channel, RemotingCommand request) throws Exception {
        String topic = topicOf(request);
        if (TopicNames.SCHEDULE_TOPIC.equals(topic) || TopicNames.TIMER_TOPIC.equals(topic)) {
            return RequestProcessor.respond(request.response(
                    ResponseCode.NO_PERMISSION, "the topic[" + topic + "] pulling message is forbidden"));
        }
        return pulls.process(channel, request);
    }

    @Override
    public boolean runsInline(RemotingCommand request) {
        return pulls.runsInline(request);
    }

    private static String topicOf(RemotingCommand request) {
        if (request.code() == RequestCode.PULL_MESSAGE || request.code() == RequestCode.LITE_PULL_MESSAGE) {
            return request.extField("topic");
        }
        return null;
    }
}
