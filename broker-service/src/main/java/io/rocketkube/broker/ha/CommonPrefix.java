package io.rocketkube.broker.ha;

import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Where a slave's CommitLog stops agreeing with its master's, found by comparing records byte for byte before
 * replication resumes. The HA protocol says only where the slave ends, so a master that came back from an older
 * copy of its data and then took new writes looks like a master the slave can simply continue: the slave would
 * keep records the master never had below the point it resumes from, and serve them under queue offsets that
 * name other messages on the master. Comparing the slave's last record with the master's record at the same
 * offset tells the two cases apart at the cost of one request; only when they differ is the point searched.
 *
 * <p>Two CommitLogs that share a history agree on every record up to some offset and on none after it (a record
 * carries its own store time and offsets, so two different histories do not write the same bytes at the same
 * offset), so agreement is monotone and the point is found by bisection: back over the segments by their first
 * record (a segment always starts with one), then within the segment over every {@value #STRIDE}-th record, then
 * over the records between two of those. A 1 GiB segment of small records thus costs about 25 requests, and
 * never a list of all its records in memory.
 */
final class CommonPrefix {
    static final int STRIDE = 1024;

    /** The master's record at an offset, as VIEW_MESSAGE_BY_ID answers it; empty when it has none there. */
    interface MasterRecords {
        Optional<byte[]> at(long physicalOffset) throws IOException;
    }

    /** The two logs differ from the replica's first stored record on: there is nothing to keep. */
    static final class NoCommonPrefixException extends Exception {
        NoCommonPrefixException(String message) {
            super(message);
        }
    }

    private final MessageStore store;
    private final long segmentSize;
    private final MasterRecords master;
    private final int stride;

    CommonPrefix(MessageStore store, long segmentSize, MasterRecords master) {
        this(store, segmentSize, master, STRIDE);
    }

    /** With another stride: tests use a small one, so that small segments exercise every step. */
    CommonPrefix(MessageStore store, long segmentSize, MasterRecords master, int stride) {
        this.store = store;
        this.segmentSize = segmentSize;
        this.master = master;
        this.stride = stride;
    }

    /**
     * The offset of the first record this replica holds that its master does not hold identically; the
     * replica's end when every record agrees (or it holds none).
     */
    long firstDifference() throws IOException, NoCommonPrefixException {
        long end = store.maxPhysicalOffset();
        long min = store.minPhysicalOffset();
        if (end <= min) {
            return end;
        }
        long lastSegment = Math.max(min, (end - 1) / segmentSize * segmentSize);
        long last = lastRecord(lastSegment, end);
        if (last < 0 || agrees(last)) {
            return end;
        }
        long segment = lastSegment;
        long firstDisagreeing = last;
        while (!agrees(segment)) {
            firstDisagreeing = segment;
            if (segment <= min) {
                throw new NoCommonPrefixException("this slave's log and its master's differ from the slave's first"
                        + " stored record at " + min + " on");
            }
            segment -= segmentSize;
        }
        long limit = Math.min(segment + segmentSize, end);
        long[] samples = store.recordStarts(segment, limit, stride);
        int i = firstDisagreeingIndex(samples);
        long from = samples[i - 1];
        long to = i < samples.length ? samples[i] : limit;
        long[] records = store.recordStarts(from, to, 1);
        int j = firstDisagreeingIndex(records);
        if (j < records.length) {
            return records[j];
        }
        return i < samples.length ? samples[i] : firstDisagreeing;
    }

    private long lastRecord(long segmentStart, long end) {
        long[] samples = store.recordStarts(segmentStart, end, stride);
        if (samples.length == 0) {
            return -1;
        }
        long[] tail = store.recordStarts(samples[samples.length - 1], end, 1);
        return tail[tail.length - 1];
    }

    /** The first index whose record disagrees, given that the record at index 0 agrees; the length if none. */
    private int firstDisagreeingIndex(long[] starts) throws IOException {
        int agreeing = 0;
        int disagreeing = starts.length;
        while (disagreeing - agreeing > 1) {
            int mid = (agreeing + disagreeing) >>> 1;
            if (agrees(starts[mid])) {
                agreeing = mid;
            } else {
                disagreeing = mid;
            }
        }
        return disagreeing;
    }

    private boolean agrees(long offset) throws IOException {
        Optional<MessageSlice> own = store.lookMessageByPhysicalOffset(offset);
        if (own.isEmpty()) {
            return false;
        }
        Optional<byte[]> theirs = master.at(offset);
        return theirs.isPresent() && Arrays.equals(own.get().toBytes(), theirs.get());
    }
}
