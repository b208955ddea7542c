package io.rocketkube.broker.processor;

import io.rocketkube.client.protocol.HeaderFields;
import io.rocketkube.client.protocol.RequestCode;
import io.rocketkube.client.remoting.RemotingCommand;

/**
 * The send header in one shape, whichever spelling the request used: SEND_MESSAGE's long names or
 * SEND_MESSAGE_V2's / SEND_BATCH_MESSAGE's single letters (docs/protocol.md §5.2.1, §5.2.2); the reply
 * sends (324, 325) spell theirs the same way.
 */
record SendRequestHeader(
        String producerGroup,
        String topic,
        String defaultTopic,
        int defaultTopicQueueNums,
        int queueId,
        int sysFlag,
        long bornTimestamp,
        int flag,
        String properties,
        int reconsumeTimes,
        Integer maxReconsumeTimes,
        boolean batch) {

    static SendRequestHeader parse(RemotingCommand request) {
        HeaderFields h = HeaderFields.of(request);
        if (request.code() == RequestCode.SEND_MESSAGE || request.code() == RequestCode.SEND_REPLY_MESSAGE) {
            return new SendRequestHeader(
                    h.string("producerGroup"),
                    h.string("topic"),
                    h.string("defaultTopic"),
                    h.intValue("defaultTopicQueueNums"),
                    h.intValue("queueId"),
                    h.intValue("sysFlag"),
                    h.longValue("bornTimestamp"),
                    h.intValue("flag"),
                    h.optionalString("properties"),
                    h.intValue("reconsumeTimes", 0),
                    h.optionalInt("maxReconsumeTimes"),
                    h.booleanValue("batch", false));
        }
        return new SendRequestHeader(
                h.string("a"),
                h.string("b"),
                h.string("c"),
                h.intValue("d"),
                h.intValue("e"),
                h.intValue("f"),
                h.longValue("g"),
                h.intValue("h"),
                h.optionalString("i"),
                h.intValue("j", 0),
                h.optionalInt("l"),
                h.booleanValue("m", request.code() == RequestCode.SEND_BATCH_MESSAGE));
    }
}
