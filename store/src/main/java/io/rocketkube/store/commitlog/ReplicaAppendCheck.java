package io.rocketkube.store.commitlog;

import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import java.nio.ByteBuffer;

/**
 * Validates replicated CommitLog bytes before a replica writes them, so that nothing a master (or the wire)
 * got wrong ever reaches the replica's log, its dispatcher or a reader.
 *
 * <p>A master streams raw bytes cut at arbitrary points ({@code haTransferBatchSize}, 32 KiB in RocketMQ),
 * so a record may arrive in several pieces. The check keeps one position, {@link #checkedEnd()}: the start
 * of the first record that is not yet known whole and valid. Bytes between it and the replica's written end
 * are the head of a partial record (already written, never dispatched: the dispatcher stops at an
 * incomplete record). Each call looks at those bytes plus the new ones and walks the records:
 * <ul>
 *   <li>a message record must decode (magic, size, field lengths, body CRC), carry its own position in its
 *   PHYSICALOFFSET field, and end inside its segment;</li>
 *   <li>a blank filler must say exactly "the rest of this segment"; the zero tail after it may arrive in
 *   later calls and is skipped unread;</li>
 *   <li>an incomplete record is fine (it waits for more bytes) unless its size field already claims more
 *   than its segment has left.</li>
 * </ul>
 * The first failure refuses the whole call: the caller writes nothing of it.
 *
 * <p>Not thread-safe: the replica's single appender calls it under the CommitLog's append lock.
 */
public final class ReplicaAppendCheck {

    /** Either the new checked end, or the first invalid record. */
    public sealed interface Verdict {
        /** Every complete record is valid; records up to {@code checkedEnd} may be dispatched. */
        record Valid(long checkedEnd) implements Verdict {}

        /** The record at {@code at} is invalid; nothing of the call may be written. */
        record Invalid(long at, String reason) implements Verdict {}
    }

    private final long segmentSize;
    private final int maxRecordSize;
    private long checkedEnd;

    /** @param start the replica's recovered end (recovery leaves only whole records) */
    public ReplicaAppendCheck(long segmentSize, int maxRecordSize, long start) {
        this.segmentSize = segmentSize;
        this.maxRecordSize = maxRecordSize;
        this.checkedEnd = start;
    }

    public long checkedEnd() {
        return checkedEnd;
    }

    /** After a truncation or a repositioning of the log: checking starts over at {@code offset}. */
    public void resetTo(long offset) {
        checkedEnd = offset;
    }

    /**
     * Checks {@code data}, which is to be written at {@code at} (the log's current end).
     *
     * @param pending the bytes {@code [checkedEnd, at)} already in the log (empty when {@code checkedEnd >= at})
     * @return the verdict; {@link #accept} it once the bytes are written
     */
    public Verdict check(ByteBuffer pending, long at, ByteBuffer data) {
        long end = at + data.remaining();
        long p = checkedEnd;
        if (p >= end) {
            return new Verdict.Valid(p);
        }
        long base = Math.min(p, at);
        ByteBuffer view;
        if (p < at) {
            // A record began in an earlier frame: check it over the bytes already written and the new ones.
            view = ByteBuffer.allocate((int) (end - base));
            view.put(pending.duplicate());
            view.put(data.duplicate());
            view.flip();
        } else {
            // Every earlier record was complete: the new bytes are checked where they are, without a copy.
            view = data.slice();
        }
        while (p < end) {
            long segmentEnd = (p / segmentSize + 1) * segmentSize;
            int from = (int) (p - base);
            int limit = (int) (Math.min(end, segmentEnd) - base);
            RecordDecodeResult r = StoredMessageDecoder.check(view, from, limit, maxRecordSize, true);
            if (r instanceof RecordDecodeResult.Checked d) {
                if (d.physicalOffset() != p) {
                    return new Verdict.Invalid(p, "record says it is at " + d.physicalOffset());
                }
                p += d.size();
            } else if (r instanceof RecordDecodeResult.Blank b) {
                if (b.size() != segmentEnd - p) {
                    return new Verdict.Invalid(
                            p,
                            "blank filler of " + b.size() + " bytes, but " + (segmentEnd - p)
                                    + " are left in the segment");
                }
                p = segmentEnd;
            } else if (r instanceof RecordDecodeResult.NeedMore n) {
                if (n.required() > segmentEnd - p) {
                    return new Verdict.Invalid(
                            p, "record of " + n.required() + " bytes crosses the segment end at " + segmentEnd);
                }
                break;
            } else if (r instanceof RecordDecodeResult.Corrupt c) {
                return new Verdict.Invalid(p, c.reason());
            }
        }
        return new Verdict.Valid(p);
    }

    /** The checked bytes were written. */
    public void accept(Verdict.Valid verdict) {
        checkedEnd = verdict.checkedEnd();
    }
}
