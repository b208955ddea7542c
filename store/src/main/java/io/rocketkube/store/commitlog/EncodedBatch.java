package io.rocketkube.store.commitlog;

import io.rocketkube.store.MessageRecordRequest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One or more records encoded back to back, ready to be placed: only their queue offsets, physical
 * offsets and store timestamp remain to be patched in (see {@code StoredMessageLayout.patchOffsets}).
 *
 * @param buffer       the records; position 0, limit = total size
 * @param recordStarts where each record starts in {@code buffer}
 * @param sysFlags     each record's SYSFLAG (host bits included)
 * @param requests     the requests, in record order
 */
public record EncodedBatch(ByteBuffer buffer, int[] recordStarts, int[] sysFlags, List<MessageRecordRequest> requests) {

    public int totalSize() {
        return buffer.limit();
    }

    public int count() {
        return recordStarts.length;
    }

    public int recordSize(int i) {
        int end = i + 1 < recordStarts.length ? recordStarts[i + 1] : buffer.limit();
        return end - recordStarts[i];
    }
}
