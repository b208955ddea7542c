package io.rocketkube.broker.it;

import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;
import java.util.Map;

/** Requests the broker tests send as raw frames, built in one place. */
final class RawRequests {
    private RawRequests() {}

    /** UPDATE_AND_CREATE_TOPIC for a read-write SINGLE_TAG topic with {@code queues} read and write queues. */
    static RemotingCommand createTopic(String topic, int queues) {
        return RemotingCommand.request(RequestCode.UPDATE_AND_CREATE_TOPIC)
                .withExtFields(Map.of(
                        "topic",
                        topic,
                        "defaultTopic",
                        "TBW102",
                        "readQueueNums",
                        String.valueOf(queues),
                        "writeQueueNums",
                        String.valueOf(queues),
                        "perm",
                        "6",
                        "topicFilterType",
                        "SINGLE_TAG",
                        "order",
                        "false"));
    }
}
