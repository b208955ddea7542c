package io.rocketkube.store.read;

import io.rocketkube.client.message.MessageProperties;
import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.RecordDecodeResult;
import io.rocketkube.client.message.StoredMessageDecoder;
import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.ConsumeQueueEntry;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.GetStatus;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.QueryResult;
import io.rocketkube.store.commitlog.CommitLog;
import io.rocketkube.store.file.SegmentFile;
import io.rocketkube.store.index.IndexService;
import io.rocketkube.store.queue.ConsumeQueue;
import io.rocketkube.store.queue.ConsumeQueueSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * The read side of the store: queue reads (the PULL_MESSAGE semantics of docs/protocol.md §5.4),
 * time lookups, and lookups by physical offset and by key.
 *
 * <p>Thread-safe: reads retain the segments they slice, so retention cannot unmap them underneath.
 */
public final class StoreReader {

    /** ConsumeQueue entries scanned per get at least (the reference's 16000 bytes of units). */
    static final int MIN_SCAN_ENTRIES = 16_000 / ConsumeQueue.UNIT_SIZE;

    private final CommitLog commitLog;
    private final ConsumeQueueSet queues;
    private final IndexService index;
    private final int maxMessageSize;
    private final LongAdder found = new LongAdder();
    private final LongAdder missed = new LongAdder();

    public StoreReader(CommitLog commitLog, ConsumeQueueSet queues, IndexService index, int maxMessageSize) {
        this.commitLog = commitLog;
        this.queues = queues;
        this.index = index;
        this.maxMessageSize = maxMessageSize;
    }

    public long foundCount() {
        return found.sum();
    }

    public long missCount() {
        return missed.sum();
    }

    public GetResult get(String topic, int queueId, long offset, int maxCount, int maxBytes, MessageFilter filter) {
        ConsumeQueue q = queues.find(topic, queueId);
        GetResult early = boundsCheck(q, offset);
        if (early != null) {
            missed.increment();
            return early;
        }
        long min = q.minOffset();
        long max = q.maxOffset();
        long clMin = commitLog.minOffset();
        int scanLimit = Math.max(MIN_SCAN_ENTRIES, maxCount);
        List<MessageSlice> out = new ArrayList<>();
        List<SegmentFile> held = new ArrayList<>();
        SegmentFile current = null;
        long o = offset;
        int bytes = 0;
        boolean removing = false;
        try {
            while (o < max && o - offset < scanLimit && out.size() < maxCount) {
                ConsumeQueueEntry e = q.get(o);
                if (e == null) {
                    o++;
                    continue;
                }
                if (e.commitLogOffset() < clMin) {
                    removing = true;
                    o++;
                    continue;
                }
                if (!filter.matchesTagsCode(e.tagsCode())) {
                    o++;
                    continue;
                }
                if (!out.isEmpty() && (long) bytes + e.size() > maxBytes) {
                    break;
                }
                if (current == null || !current.contains(e.commitLogOffset())) {
                    current = commitLog.retainSegment(e.commitLogOffset());
                    if (current == null) {
                        removing = true;
                        o++;
                        continue;
                    }
                    held.add(current);
                }
                ByteBuffer slice = current.slice((int) (e.commitLogOffset() - current.start()), e.size());
                o++;
                if (!filter.matchesRecord(slice.duplicate())) {
                    continue;
                }
                out.add(new MessageSlice(e.commitLogOffset(), e.size(), slice));
                bytes += e.size();
            }
        } catch (RuntimeException ex) {
            held.forEach(SegmentFile::release);
            throw ex;
        }
        if (out.isEmpty()) {
            held.forEach(SegmentFile::release);
            missed.increment();
            return GetResult.empty(
                    removing ? GetStatus.MESSAGE_WAS_REMOVING : GetStatus.NO_MATCHED_MESSAGE, o, min, max);
        }
        found.add(out.size());
        List<SegmentFile> toRelease = List.copyOf(held);
        return new GetResult(GetStatus.FOUND, o, min, max, out, () -> toRelease.forEach(SegmentFile::release));
    }

    private static GetResult boundsCheck(ConsumeQueue q, long offset) {
        if (q == null) {
            return GetResult.empty(GetStatus.NO_MATCHED_LOGIC_QUEUE, 0, 0, 0);
        }
        long min = q.minOffset();
        long max = q.maxOffset();
        if (max == 0) {
            return GetResult.empty(GetStatus.NO_MESSAGE_IN_QUEUE, 0, min, max);
        }
        if (offset < min) {
            return GetResult.empty(GetStatus.OFFSET_TOO_SMALL, min, min, max);
        }
        if (offset == max) {
            return GetResult.empty(GetStatus.OFFSET_OVERFLOW_ONE, offset, min, max);
        }
        if (offset > max) {
            return GetResult.empty(GetStatus.OFFSET_OVERFLOW_BADLY, max, min, max);
        }
        return null;
    }

    /** Store time of the record at {@code phy}, -1 if none is stored there. */
    public long storeTimeAt(long phy) {
        SegmentFile s = commitLog.retainSegment(phy);
        if (s == null || phy >= commitLog.writtenOffset()) {
            if (s != null) {
                s.release();
            }
            return -1;
        }
        try {
            int at = (int) (phy - s.start());
            if (at + StoredMessageLayout.BORN_HOST_OFFSET > s.size()) {
                return -1;
            }
            return StoredMessageLayout.storeTimestamp(s.mapped(), at);
        } finally {
            s.release();
        }
    }

    public long storeTimeOf(String topic, int queueId, long queueOffset) {
        ConsumeQueue q = queues.find(topic, queueId);
        ConsumeQueueEntry e = q == null ? null : q.get(queueOffset);
        if (e == null || e.commitLogOffset() < commitLog.minOffset()) {
            return -1;
        }
        return storeTimeAt(e.commitLogOffset());
    }

    /** The raw entries of one queue from {@code queueOffset}; see {@code MessageStore.consumeQueueEntries}. */
    public List<ConsumeQueueEntry> entries(String topic, int queueId, long queueOffset, int count) {
        ConsumeQueue q = queues.find(topic, queueId);
        if (q == null || count <= 0) {
            return List.of();
        }
        List<ConsumeQueueEntry> out = new ArrayList<>(Math.min(count, 64));
        for (long o = queueOffset; out.size() < count; o++) {
            ConsumeQueueEntry e = q.get(o);
            if (e == null) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    public long earliestMessageStoreTime(String topic, int queueId) {
        ConsumeQueue q = queues.find(topic, queueId);
        return q == null ? -1 : storeTimeOf(topic, queueId, q.minOffset());
    }

    /**
     * Binary search by store time (4.9 semantics): exact match wins; otherwise the neighbour with the
     * closer store time; all later → min; all earlier → the last entry; empty → 0.
     */
    public long offsetByTimestamp(String topic, int queueId, long timestamp) {
        ConsumeQueue q = queues.find(topic, queueId);
        if (q == null || q.maxOffset() <= q.minOffset()) {
            return 0;
        }
        long lo = q.minOffset();
        long hi = q.maxOffset() - 1;
        long loTime = storeTimeOf(topic, queueId, lo);
        long hiTime = storeTimeOf(topic, queueId, hi);
        if (loTime < 0 || hiTime < 0) {
            return lo;
        }
        if (timestamp <= loTime) {
            return lo;
        }
        if (timestamp >= hiTime) {
            return hi;
        }
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            long t = storeTimeOf(topic, queueId, mid);
            if (t == timestamp) {
                long first = mid;
                while (first > lo && storeTimeOf(topic, queueId, first - 1) == timestamp) {
                    first--;
                }
                return first;
            }
            if (t < 0 || t < timestamp) {
                lo = mid;
                loTime = t;
            } else {
                hi = mid;
                hiTime = t;
            }
        }
        return timestamp - loTime <= hiTime - timestamp ? lo : hi;
    }

    /**
     * A heap copy of the valid record starting at {@code phy}. The record is checked where it lies, not built
     * ({@link StoredMessageDecoder#check}): every caller decodes the copy it gets, and the timer service
     * calls this once per delivered timer, so building it here too was a second decode of each.
     */
    public Optional<MessageSlice> lookByPhysicalOffset(long phy) {
        long written = commitLog.writtenOffset();
        if (phy < commitLog.minOffset() || phy >= written) {
            return Optional.empty();
        }
        SegmentFile s = commitLog.retainSegment(phy);
        if (s == null) {
            return Optional.empty();
        }
        try {
            int at = (int) (phy - s.start());
            int limit = (int) Math.min(s.size(), written - s.start());
            RecordDecodeResult r = StoredMessageDecoder.check(s.mapped(), at, limit, maxMessageSize, false);
            if (r instanceof RecordDecodeResult.Checked c) {
                ByteBuffer copy = ByteBuffer.allocate(c.size());
                copy.put(s.mapped().slice(at, c.size()));
                return Optional.of(new MessageSlice(phy, c.size(), copy.flip().asReadOnlyBuffer()));
            }
            return Optional.empty();
        } finally {
            s.release();
        }
    }

    /**
     * Records of {@code topic} indexed under {@code key} (KEYS or UNIQ_KEY), checked against the record: the
     * newest {@code maxNum}, in log order (oldest first), as the reference answers and mqadmin prints them.
     */
    public QueryResult queryByKey(String topic, String key, int maxNum, long begin, long end) {
        List<MessageSlice> out = new ArrayList<>();
        for (long phy : index.query(topic, key, Math.max(maxNum, 1) * 2, begin, end)) {
            if (out.size() >= maxNum) {
                break;
            }
            Optional<MessageSlice> m = lookByPhysicalOffset(phy);
            if (m.isPresent() && matchesKey(m.get(), topic, key)) {
                out.add(m.get());
            }
        }
        out.sort(Comparator.comparingLong(MessageSlice::physicalOffset));
        return new QueryResult(out, index.lastUpdateTimestamp(), index.lastUpdatePhyOffset());
    }

    private boolean matchesKey(MessageSlice m, String topic, String key) {
        RecordDecodeResult r = StoredMessageDecoder.decode(m.view(), 0, m.size(), maxMessageSize, false);
        if (!(r instanceof RecordDecodeResult.Decoded d)) {
            return false;
        }
        MessageRecord rec = d.record();
        if (!rec.topic().equals(topic)) {
            return false;
        }
        if (key.equals(rec.property(MessageProperties.UNIQ_CLIENT_MESSAGE_ID_KEYIDX))) {
            return true;
        }
        String keys = rec.property(MessageProperties.KEYS);
        return keys != null
                && Arrays.asList(keys.split(MessageProperties.KEY_SEPARATOR)).contains(key);
    }
}
