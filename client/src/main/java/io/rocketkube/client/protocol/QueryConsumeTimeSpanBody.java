package io.rocketkube.client.protocol;

import java.util.List;

/** Body of QUERY_CONSUME_TIME_SPAN: one {@link QueueTimeSpan} per write queue of the topic. */
public record QueryConsumeTimeSpanBody(List<QueueTimeSpan> consumeTimeSpanSet) {
    public QueryConsumeTimeSpanBody {
        consumeTimeSpanSet = consumeTimeSpanSet == null ? List.of() : List.copyOf(consumeTimeSpanSet);
    }
}
