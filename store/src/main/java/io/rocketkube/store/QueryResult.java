package io.rocketkube.store;

import java.util.List;

/**
 * The outcome of {@link MessageStore#queryByKey}: matching records (heap copies, valid forever), newest
 * first, plus the index watermarks the QUERY_MESSAGE response header carries.
 */
public record QueryResult(List<MessageSlice> messages, long indexLastUpdateTimestamp, long indexLastUpdatePhyOffset) {

    public QueryResult {
        messages = List.copyOf(messages);
    }
}
