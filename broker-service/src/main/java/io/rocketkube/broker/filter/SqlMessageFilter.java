package io.rocketkube.broker.filter;

import io.rocketkube.store.MessageFilter;
import java.nio.ByteBuffer;

/**
 * The store filter of a SQL92 subscription: every ConsumeQueue entry passes the tags-code test (RocketMQ
 * keeps no per-queue bitmap by default either), and the record test evaluates the selector on the
 * record's properties, read by {@link RecordProperties} without the body. A record whose lengths do not add
 * up does not match.
 *
 * <p>Thread-safe: per-call state only.
 */
public final class SqlMessageFilter implements MessageFilter {
    private final SqlSelector selector;
    private final RecordProperties properties;

    public SqlMessageFilter(SqlSelector selector) {
        this.selector = selector;
        this.properties = new RecordProperties(selector.properties());
    }

    @Override
    public boolean matchesTagsCode(long tagsCode) {
        return true;
    }

    @Override
    public boolean matchesRecord(ByteBuffer record) {
        String[] values = new String[properties.size()];
        return properties.extract(record, values) && selector.matches(values);
    }

    public SqlSelector selector() {
        return selector;
    }
}
