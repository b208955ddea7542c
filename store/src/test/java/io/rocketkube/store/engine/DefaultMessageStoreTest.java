package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.bodyOf;
import static io.rocketkube.store.TestMessages.decode;
import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.client.message.MessageRecord;
import io.rocketkube.client.message.OffsetMsgId;
import io.rocketkube.store.FlushMode;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.GetStatus;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.PutStatus;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.TestMessages;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultMessageStoreTest {

    @TempDir
    Path dir;

    private static PutResult put(MessageStore store, MessageRecordRequest r) {
        return store.put(r).join();
    }

    private static void awaitMax(MessageStore store, String topic, int q, long max) {
        await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset(topic, q) >= max);
    }

    @Test
    void putThenGetReturnsTheStoredRecordWithItsOffsets() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            PutResult r0 = put(store, message("T1", 1, "hello"));
            PutResult r1 = put(store, message("T1", 1, "world"));
            assertThat(r0.status()).isEqualTo(PutStatus.PUT_OK);
            assertThat(r0.firstQueueOffset()).isZero();
            assertThat(r1.firstQueueOffset()).isEqualTo(1);
            assertThat(r1.firstPhysicalOffset()).isEqualTo(r0.wroteBytes());
            awaitMax(store, "T1", 1, 2);

            try (GetResult g = store.get("T1", 1, 0, 32, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.status()).isEqualTo(GetStatus.FOUND);
                assertThat(g.messageCount()).isEqualTo(2);
                assertThat(g.nextBeginOffset()).isEqualTo(2);
                MessageRecord m = decode(g.messages().get(1));
                assertThat(new String(m.bodyBytes())).isEqualTo("world");
                assertThat(m.queueOffset()).isEqualTo(1);
                assertThat(m.physicalOffset()).isEqualTo(r1.firstPhysicalOffset());
                assertThat(m.storeHost()).isEqualTo(TestMessages.STORE);
                assertThat(m.bornHost()).isEqualTo(TestMessages.BORN);
                assertThat(m.storeTimestamp()).isEqualTo(r1.storeTimestamp());
            }
        }
    }

    @Test
    void emptyAndMissingQueuesAnswerWithTheReferenceStatuses() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            GetResult none = store.get("nope", 0, 0, 32, 1 << 20, MessageFilter.ALL);
            assertThat(none.status()).isEqualTo(GetStatus.NO_MATCHED_LOGIC_QUEUE);
            assertThat(none.nextBeginOffset()).isZero();
            assertThat(store.minOffset("nope", 0)).isZero();
            assertThat(store.maxOffset("nope", 0)).isZero();
            assertThat(store.earliestMessageStoreTime("nope", 0)).isEqualTo(-1);
            assertThat(store.offsetByTimestamp("nope", 0, 123)).isZero();

            for (int i = 0; i < 3; i++) {
                put(store, message("T", 0, "m" + i));
            }
            awaitMax(store, "T", 0, 3);
            assertThat(store.get("T", 0, 3, 32, 1 << 20, MessageFilter.ALL).status())
                    .isEqualTo(GetStatus.OFFSET_OVERFLOW_ONE);
            GetResult bad = store.get("T", 0, 9, 32, 1 << 20, MessageFilter.ALL);
            assertThat(bad.status()).isEqualTo(GetStatus.OFFSET_OVERFLOW_BADLY);
            assertThat(bad.nextBeginOffset()).isEqualTo(3);
            assertThat(store.get("T", 0, -1, 32, 1 << 20, MessageFilter.ALL).status())
                    .isEqualTo(GetStatus.OFFSET_TOO_SMALL);
        }
    }

    @Test
    void tagFilterSkipsNonMatchingEntriesAndReportsNoMatch() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            put(store, message("T", 0, "a", "TagA", null, null));
            put(store, message("T", 0, "b", "TagB", null, null));
            put(store, message("T", 0, "a2", "TagA", null, null));
            awaitMax(store, "T", 0, 3);
            try (GetResult g =
                    store.get("T", 0, 0, 32, 1 << 20, MessageFilter.tagsCodeIn(Set.of((long) "TagA".hashCode())))) {
                assertThat(g.messages()).extracting(TestMessages::bodyOf).containsExactly("a", "a2");
                assertThat(g.nextBeginOffset()).isEqualTo(3);
            }
            GetResult none = store.get("T", 0, 0, 32, 1 << 20, MessageFilter.tagsCodeIn(Set.of(42L)));
            assertThat(none.status()).isEqualTo(GetStatus.NO_MATCHED_MESSAGE);
            assertThat(none.nextBeginOffset()).isEqualTo(3);
        }
    }

    @Test
    void maxCountAndMaxBytesLimitAGetButAlwaysReturnOneMessage() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            for (int i = 0; i < 10; i++) {
                put(store, message("T", 0, "message-" + i));
            }
            awaitMax(store, "T", 0, 10);
            try (GetResult g = store.get("T", 0, 2, 3, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.messages())
                        .extracting(TestMessages::bodyOf)
                        .containsExactly("message-2", "message-3", "message-4");
                assertThat(g.nextBeginOffset()).isEqualTo(5);
            }
            try (GetResult g = store.get("T", 0, 0, 32, 1, MessageFilter.ALL)) {
                assertThat(g.messageCount()).isEqualTo(1);
                assertThat(g.nextBeginOffset()).isEqualTo(1);
            }
        }
    }

    @Test
    void batchGetsConsecutiveQueueOffsetsInOneAppend() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            put(store, message("B", 2, "before"));
            List<MessageRecordRequest> batch = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                batch.add(message("B", 2, "b" + i, null, "k" + i, "U" + i));
            }
            PutResult r = store.putBatch(batch).join();
            assertThat(r.status()).isEqualTo(PutStatus.PUT_OK);
            assertThat(r.queueOffsets()).containsExactly(1, 2, 3, 4, 5);
            for (int i = 1; i < 5; i++) {
                assertThat(r.physicalOffset(i)).isGreaterThan(r.physicalOffset(i - 1));
            }
            awaitMax(store, "B", 2, 6);
            try (GetResult g = store.get("B", 2, 1, 32, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.messages()).extracting(TestMessages::bodyOf).containsExactly("b0", "b1", "b2", "b3", "b4");
            }
            assertThat(store.queryByKey("B", "k3", 10, 0, Long.MAX_VALUE).messages())
                    .extracting(TestMessages::bodyOf)
                    .containsExactly("b3");
        }
    }

    @Test
    void invalidBatchesAndMessagesAreRefusedWhole() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            PutResult mixed = store.putBatch(List.of(message("A", 0, "x"), message("B", 0, "y")))
                    .join();
            assertThat(mixed.status()).isEqualTo(PutStatus.MESSAGE_ILLEGAL);
            PutResult big = put(store, message("A", 0, "x".repeat(20_000)));
            assertThat(big.status()).isEqualTo(PutStatus.MESSAGE_ILLEGAL);
            PutResult longTopic = put(store, message("t".repeat(128), 0, "x"));
            assertThat(longTopic.status()).isEqualTo(PutStatus.MESSAGE_ILLEGAL);
            assertThat(store.maxPhysicalOffset()).isZero();
        }
    }

    @Test
    void messagesRollIntoNewSegmentsAndStayReadable() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            String body = "x".repeat(3000);
            List<PutResult> results = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                results.add(put(store, message("R", 0, body + i)));
            }
            assertThat(store.maxPhysicalOffset()).isGreaterThan(64 * 1024 * 2);
            for (PutResult r : results) {
                long seg = r.firstPhysicalOffset() / (64 * 1024);
                long endSeg = (r.firstPhysicalOffset() + r.wroteBytes() - 1) / (64 * 1024);
                assertThat(endSeg).as("record never spans segments").isEqualTo(seg);
            }
            awaitMax(store, "R", 0, 60);
            long o = 0;
            int seen = 0;
            while (o < 60) {
                try (GetResult g = store.get("R", 0, o, 7, 1 << 20, MessageFilter.ALL)) {
                    for (MessageSlice s : g.messages()) {
                        assertThat(bodyOf(s)).isEqualTo(body + seen++);
                    }
                    o = g.nextBeginOffset();
                }
            }
            assertThat(seen).isEqualTo(60);
        }
    }

    @Test
    void lookupsByPhysicalOffsetMsgIdTimeAndKey() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            PutResult a = put(store, message("L", 0, "alpha", "t", "order-1 shared", "UNIQ-A"));
            PutResult b = put(store, message("L", 0, "beta", "t", "order-2 shared", "UNIQ-B"));
            put(store, message("Other", 0, "gamma", "t", "shared", null));
            awaitMax(store, "L", 0, 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> store.maxOffset("Other", 0) == 1);

            assertThat(store.lookMessageByPhysicalOffset(b.firstPhysicalOffset()))
                    .map(TestMessages::bodyOf)
                    .contains("beta");
            assertThat(store.lookMessageByPhysicalOffset(b.firstPhysicalOffset() + 1))
                    .isEmpty();
            String msgId = OffsetMsgId.encode(TestMessages.STORE, a.firstPhysicalOffset());
            assertThat(store.lookMessageByOffsetMsgId(msgId))
                    .map(TestMessages::bodyOf)
                    .contains("alpha");
            assertThat(store.lookMessageByOffsetMsgId("garbage")).isEmpty();

            assertThat(store.queryByKey("L", "shared", 10, 0, Long.MAX_VALUE).messages())
                    .extracting(TestMessages::bodyOf)
                    .containsExactly("alpha", "beta");
            assertThat(store.queryByKey("L", "UNIQ-A", 10, 0, Long.MAX_VALUE).messages())
                    .extracting(TestMessages::bodyOf)
                    .containsExactly("alpha");
            assertThat(store.queryByKey("L", "shared", 1, 0, Long.MAX_VALUE).messages())
                    .extracting(TestMessages::bodyOf)
                    .containsExactly("beta");
            assertThat(store.queryByKey("L", "shared", 10, 0, a.storeTimestamp() - 1)
                            .messages())
                    .isEmpty();

            assertThat(store.storeTimeOf("L", 0, 1)).isEqualTo(b.storeTimestamp());
            assertThat(store.earliestMessageStoreTime("L", 0)).isEqualTo(a.storeTimestamp());
            assertThat(store.offsetByTimestamp("L", 0, 0)).isZero();
            assertThat(store.offsetByTimestamp("L", 0, Long.MAX_VALUE)).isEqualTo(1);
        }
    }

    @Test
    void arrivalListenerHearsEveryDispatchedMessage() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            List<Long> arrived = new CopyOnWriteArrayList<>();
            store.addArrivalListener((topic, q, offset, tags, ts) -> arrived.add(offset));
            for (int i = 0; i < 5; i++) {
                put(store, message("A", 3, "m" + i, "x", null, null));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> arrived.size() == 5);
            assertThat(arrived).containsExactly(0L, 1L, 2L, 3L, 4L);
        }
    }

    @Test
    void preparedTransactionRecordsAreStoredButNotQueued() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            MessageRecordRequest half = MessageRecordRequest.builder("TX", 0, ByteBuffer.wrap("half".getBytes()))
                    .bornHost(TestMessages.BORN)
                    .sysFlag(io.rocketkube.client.message.MessageSysFlag.TRANSACTION_PREPARED_TYPE)
                    .build();
            PutResult r = put(store, half);
            assertThat(r.firstQueueOffset()).isZero();
            put(store, message("TX", 0, "normal"));
            awaitMax(store, "TX", 0, 1);
            assertThat(store.maxOffset("TX", 0)).isEqualTo(1);
            assertThat(store.lookMessageByPhysicalOffset(r.firstPhysicalOffset()))
                    .map(TestMessages::bodyOf)
                    .contains("half");
        }
    }

    @Test
    void deleteTopicForgetsItsQueues() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            put(store, message("D", 0, "x"));
            put(store, message("D", 1, "y"));
            put(store, message("K", 0, "z"));
            awaitMax(store, "D", 1, 1);
            awaitMax(store, "K", 0, 1);
            assertThat(store.topics()).containsExactly("D", "K");
            assertThat(store.queueIds("D")).containsExactly(0, 1);
            store.deleteTopic("D");
            assertThat(store.topics()).containsExactly("K");
            assertThat(store.maxOffset("D", 0)).isZero();
            assertThat(put(store, message("D", 0, "again")).firstQueueOffset()).isZero();
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() {
        try (DefaultMessageStore store = SmallStores.started(dir)) {
            assertThatThrownBy(() -> SmallStores.started(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use");
        }
    }

    @Test
    void syncFlushCompletesOnlyOnceDurable() {
        StoreConfig cfg = smallConfig(dir).flushMode(FlushMode.SYNC_FLUSH).build();
        try (DefaultMessageStore store = DefaultMessageStore.open(cfg).start()) {
            List<java.util.concurrent.CompletableFuture<PutResult>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(store.put(message("S", 0, "m" + i)));
            }
            for (var f : fs) {
                PutResult r = f.join();
                assertThat(r.status()).isEqualTo(PutStatus.PUT_OK);
                assertThat(store.stats().flushedOffset())
                        .isGreaterThanOrEqualTo(r.firstPhysicalOffset() + r.wroteBytes());
            }
        }
    }

    @Test
    void closedStoreRefusesPuts() {
        DefaultMessageStore store = SmallStores.started(dir);
        store.close();
        assertThat(put(store, message("T", 0, "x")).status()).isEqualTo(PutStatus.SERVICE_NOT_AVAILABLE);
    }
}
