package io.rocketkube.store;

import java.nio.ByteBuffer;

/**
 * One stored record, exactly as in the CommitLog (layout: {@code StoredMessageLayout}). The buffer is
 * read-only, positioned at the record's first byte and limited to its last.
 */
public record MessageSlice(long physicalOffset, int size, ByteBuffer buffer) {

    /** A fresh read-only view (own position and limit) of the record bytes. */
    public ByteBuffer view() {
        return buffer.duplicate();
    }

    public byte[] toBytes() {
        byte[] b = new byte[size];
        buffer.duplicate().get(b);
        return b;
    }
}
