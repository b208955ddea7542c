package io.rocketkube.store;

import java.nio.ByteBuffer;

/**
 * Decides which messages a {@link MessageStore#get} returns. The ConsumeQueue test runs first, on the
 * 20-byte entry alone; only entries that pass are read from the CommitLog and given to the second.
 */
public interface MessageFilter {

    /** Matches everything. */
    MessageFilter ALL = tagsCode -> true;

    /** Whether the ConsumeQueue entry with this tags code may match. */
    boolean matchesTagsCode(long tagsCode);

    /**
     * Whether the stored record matches (e.g. SQL92 on its properties). {@code record} is a read-only
     * view of the record bytes; the default accepts what passed {@link #matchesTagsCode}.
     */
    default boolean matchesRecord(ByteBuffer record) {
        return true;
    }

    /** A filter passing entries whose tags code is one of {@code codes} (a TAG subscription's codeSet). */
    static MessageFilter tagsCodeIn(java.util.Set<Long> codes) {
        java.util.Set<Long> copy = java.util.Set.copyOf(codes);
        return copy::contains;
    }
}
