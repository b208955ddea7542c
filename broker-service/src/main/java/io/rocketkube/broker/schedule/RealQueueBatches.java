package io.rocketkube.broker.schedule;

import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Issues the re-puts of due scheduled or timer messages, those bound for the same queue as one
 * {@link MessageStore#putBatch} (in their order, up to {@link #GROUP_BYTES}): one append and one wake of that
 * queue's held pull for several messages rather than one each, so a consumer's pull carries many. A batch is
 * all or nothing, so a refused one fails each of its copies, which the caller retries as it would a refused
 * single re-put. Stateless.
 */
public final class RealQueueBatches {
    /**
     * Most bytes of copies put as one batch: far below the smallest CommitLog segment a broker runs with
     * (1 MiB in tests), which a batch must fit in.
     */
    static final long GROUP_BYTES = 256 * 1024;

    /** The records one {@link MessageStore#putBatch} may take together. */
    private record RealQueue(String topic, int queueId, int sysFlag, boolean waitStoreMsgOk) {}

    private RealQueueBatches() {}

    /** The re-put of each of {@code copies}, index for index; null where the copy is null (nothing to put). */
    public static List<CompletableFuture<PutResult>> put(MessageStore store, List<MessageRecordRequest> copies) {
        Map<RealQueue, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < copies.size(); i++) {
            MessageRecordRequest c = copies.get(i);
            if (c != null) {
                groups.computeIfAbsent(
                                new RealQueue(c.topic(), c.queueId(), c.sysFlag(), c.waitStoreMsgOk()),
                                q -> new ArrayList<>())
                        .add(i);
            }
        }
        List<CompletableFuture<PutResult>> puts = new ArrayList<>(Collections.nCopies(copies.size(), null));
        for (List<Integer> group : groups.values()) {
            int from = 0;
            while (from < group.size()) {
                List<MessageRecordRequest> together = new ArrayList<>();
                long bytes = 0;
                int to = from;
                while (to < group.size()) {
                    MessageRecordRequest c = copies.get(group.get(to));
                    long size = c.body().remaining() + c.properties().length();
                    if (!together.isEmpty() && bytes + size > GROUP_BYTES) {
                        // A batch never exceeds the bound; a copy larger than it alone goes alone, as a put.
                        break;
                    }
                    bytes += size;
                    together.add(c);
                    to++;
                }
                CompletableFuture<PutResult> put =
                        together.size() == 1 ? store.put(together.get(0)) : store.putBatch(together);
                for (int i = from; i < to; i++) {
                    puts.set(group.get(i), put);
                }
                from = to;
            }
        }
        return puts;
    }
}
