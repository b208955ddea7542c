package io.rocketkube.broker.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The re-puts of due copies on a real store: the copies of one real queue go as one batch in their order, and
 * a batch holds at most {@link RealQueueBatches#GROUP_BYTES} (a copy that would cross it starts the next).
 */
class RealQueueBatchesTest {
    private static final String PROPERTIES = "REAL_TOPIC\u0001T\u0002";

    @TempDir
    Path dir;

    private MessageStore store;

    @BeforeEach
    void open() {
        store = DefaultMessageStore.open(
                        StoreConfig.builder(dir.resolve("store")).build())
                .start();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aCopyThatWouldCrossTheByteBoundStartsTheNextBatch() throws Exception {
        // Two copies fill the bound exactly; the third would cross it.
        int half = (int) (RealQueueBatches.GROUP_BYTES / 2) - PROPERTIES.length();
        List<MessageRecordRequest> copies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            copies.add(copy("T", 0, half));
        }

        List<CompletableFuture<PutResult>> puts = RealQueueBatches.put(store, copies);

        assertThat(puts.get(1)).isSameAs(puts.get(0));
        assertThat(puts.get(2)).isNotSameAs(puts.get(1));
        assertThat(puts.get(3)).isSameAs(puts.get(2));
        assertThat(puts.get(4)).isNotSameAs(puts.get(3));
        assertThat(counts(puts)).containsExactly(2, 2, 2, 2, 1);
        assertThat(queueOffsets(puts)).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void copiesOfOneQueueGoTogetherInOrderAndOtherQueuesApart() throws Exception {
        List<MessageRecordRequest> copies = new ArrayList<>();
        copies.add(copy("T", 0, 10));
        copies.add(copy("T", 1, 10));
        copies.add(null);
        copies.add(copy("T", 0, 10));

        List<CompletableFuture<PutResult>> puts = RealQueueBatches.put(store, copies);

        assertThat(puts.get(2)).isNull();
        assertThat(puts.get(3)).isSameAs(puts.get(0));
        assertThat(puts.get(1)).isNotSameAs(puts.get(0));
        assertThat(puts.get(0).get(10, TimeUnit.SECONDS).messageCount()).isEqualTo(2);
        assertThat(puts.get(1).get(10, TimeUnit.SECONDS).messageCount()).isEqualTo(1);
        // The ConsumeQueue is written by the dispatcher after the put completed.
        await().until(() -> store.maxOffset("T", 0) == 2 && store.maxOffset("T", 1) == 1);
    }

    private static MessageRecordRequest copy(String topic, int queueId, int bodyBytes) {
        return MessageRecordRequest.builder(topic, queueId, ByteBuffer.allocate(bodyBytes))
                .properties(PROPERTIES)
                .build();
    }

    /** Per copy, how many records the put it went with stored. */
    private static List<Integer> counts(List<CompletableFuture<PutResult>> puts) throws Exception {
        List<Integer> counts = new ArrayList<>();
        for (CompletableFuture<PutResult> put : puts) {
            counts.add(put.get(10, TimeUnit.SECONDS).messageCount());
        }
        return counts;
    }

    /** Each copy's queue offset, read from the result of the put it went with. */
    private static List<Long> queueOffsets(List<CompletableFuture<PutResult>> puts) throws Exception {
        List<Long> offsets = new ArrayList<>();
        CompletableFuture<PutResult> previous = null;
        int inBatch = 0;
        for (CompletableFuture<PutResult> put : puts) {
            inBatch = put == previous ? inBatch + 1 : 0;
            offsets.add(put.get(10, TimeUnit.SECONDS).queueOffset(inBatch));
            previous = put;
        }
        return offsets;
    }
}
