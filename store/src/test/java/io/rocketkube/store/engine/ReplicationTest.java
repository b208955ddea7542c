package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.TestMessages;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two replication hooks: raw bytes out of a master, into a replica that rebuilds its own queues. */
class ReplicationTest {

    @TempDir
    Path dir;

    private static List<String> bodies(MessageStore s, String topic, int q) {
        List<String> out = new ArrayList<>();
        long o = s.minOffset(topic, q);
        while (o < s.maxOffset(topic, q)) {
            try (GetResult g = s.get(topic, q, o, 32, 1 << 20, MessageFilter.ALL)) {
                g.messages().forEach(m -> out.add(TestMessages.bodyOf(m)));
                o = g.nextBeginOffset();
            }
        }
        return out;
    }

    private static void copy(MessageStore master, MessageStore replica, int chunk) {
        while (replica.maxPhysicalOffset() < master.maxPhysicalOffset()) {
            ByteBuffer bytes = master.readCommitLog(replica.maxPhysicalOffset(), chunk);
            replica.appendReplicated(replica.maxPhysicalOffset(), bytes);
        }
    }

    /** Messages "m<i>-" with a filler of {@code i * step % spread} bytes and key "k<i>", round robin over the queues of "RT". */
    private static void putVaried(MessageStore master, int count, int queues, int step, int spread) {
        for (int i = 0; i < count; i++) {
            master.put(message("RT", i % queues, "m" + i + "-" + "y".repeat(i * step % spread), "tag", "k" + i, null))
                    .join();
        }
    }

    @Test
    void aReplicaFedRawBytesInOddChunksServesTheSameQueues() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            putVaried(master, 120, 3, 13, 900);
            copy(master, replica, 777);
            assertThat(replica.maxPhysicalOffset()).isEqualTo(master.maxPhysicalOffset());
            for (int q = 0; q < 3; q++) {
                final int queue = q;
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> replica.maxOffset("RT", queue) == master.maxOffset("RT", queue));
                assertThat(bodies(replica, "RT", q)).isEqualTo(bodies(master, "RT", q));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.queryByKey("RT", "k119", 2, 0, Long.MAX_VALUE)
                                    .messages()
                                    .size()
                            == 1);
            assertThat(replica.queryByKey("RT", "k5", 2, 0, Long.MAX_VALUE).messages())
                    .hasSize(1);

            assertThatThrownBy(() -> replica.appendReplicated(replica.maxPhysicalOffset() + 1, ByteBuffer.allocate(4)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not continue");
            assertThat(master.readCommitLog(master.maxPhysicalOffset(), 100).remaining())
                    .isZero();
        }
    }

    @Test
    void aReplicaKilledWithAPartialRecordRecoversToTheLastWholeOne() throws Exception {
        Path rdir = dir.resolve("r");
        long wholeEnd;
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"))) {
            for (int i = 0; i < 10; i++) {
                master.put(message("RT", 0, "m" + i)).join();
            }
            wholeEnd = master.maxPhysicalOffset();
            master.put(message("RT", 0, "the partial one")).join();
            try (DefaultMessageStore replica = SmallStores.started(rdir)) {
                replica.appendReplicated(0, master.readCommitLog(0, (int) wholeEnd + 20));
                await().atMost(Duration.ofSeconds(10)).until(() -> replica.maxOffset("RT", 0) == 10);
            }
        }
        try (DefaultMessageStore replica = SmallStores.started(rdir)) {
            assertThat(replica.maxPhysicalOffset()).isEqualTo(wholeEnd);
            assertThat(replica.maxOffset("RT", 0)).isEqualTo(10);
            assertThat(bodies(replica, "RT", 0)).hasSize(10);
        }
    }

    @Test
    void aCorruptRecordIsRefusedWholeAndNeverServed() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            for (int i = 0; i < 5; i++) {
                master.put(message("RT", 0, "good-" + i)).join();
            }
            copy(master, replica, 100); // in pieces
            long before = replica.maxPhysicalOffset();
            master.put(message("RT", 0, "x".repeat(2000))).join();
            master.put(message("RT", 0, "after")).join();
            ByteBuffer next = master.readCommitLog(before, 1 << 20);
            ByteBuffer flipped =
                    ByteBuffer.allocate(next.remaining()).put(next.duplicate()).flip();
            flipped.put(1000, (byte) (flipped.get(1000) ^ 0x10)); // inside the 2000-byte body
            assertThatThrownBy(() -> replica.appendReplicated(before, flipped))
                    .isInstanceOf(io.rocketkube.store.commitlog.InvalidReplicatedDataException.class)
                    .hasMessageContaining("CRC");
            assertThat(replica.maxPhysicalOffset()).isEqualTo(before);
            assertThat(replica.health().fatalReason()).isEmpty();
            // The intact bytes are accepted afterwards; only valid records are ever served.
            replica.appendReplicated(before, next);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.maxOffset("RT", 0) == 7 && master.maxOffset("RT", 0) == 7);
            assertThat(bodies(replica, "RT", 0)).isEqualTo(bodies(master, "RT", 0));
        }
    }

    @Test
    void aRecordWhoseOffsetFieldLiesIsRefusedEvenSplitAcrossCalls() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            master.put(message("RT", 0, "first")).join();
            master.put(message("RT", 0, "second")).join();
            copy(master, replica, 1 << 20);
            long at = replica.maxPhysicalOffset();
            master.put(message("RT", 0, "third")).join();
            ByteBuffer third = master.readCommitLog(at, 1 << 20);
            ByteBuffer lying = ByteBuffer.allocate(third.remaining())
                    .put(third.duplicate())
                    .flip();
            // PHYSICALOFFSET is not covered by the body CRC; the check compares it with the position.
            int physicalOffsetField = io.rocketkube.client.message.StoredMessageLayout.PHYSICAL_OFFSET_OFFSET;
            lying.putLong(physicalOffsetField, at + 4096);
            // The first half is fine on its own (a partial record) ...
            replica.appendReplicated(at, lying.duplicate().limit(20));
            // ... the second half completes a record that lies about its position.
            assertThatThrownBy(() ->
                            replica.appendReplicated(at + 20, lying.duplicate().position(20)))
                    .isInstanceOf(io.rocketkube.store.commitlog.InvalidReplicatedDataException.class)
                    .hasMessageContaining("says it is at");
            assertThat(replica.maxPhysicalOffset()).isEqualTo(at + 20);
            assertThat(replica.maxOffset("RT", 0)).isLessThanOrEqualTo(2);
        }
    }

    /**
     * As the HA client feeds it: every frame in one reused array, here at a position other than 0, cut anywhere.
     * Records are checked where they lie (not copied first) unless one began in an earlier frame, and the store
     * keeps nothing of the array.
     */
    @Test
    void framesFromOneReusedArrayAtAnyPositionAreCheckedWhereTheyLie() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            putVaried(master, 40, 2, 37, 700);
            byte[] reused = new byte[1 << 16];
            for (int frame = 0; replica.maxPhysicalOffset() < master.maxPhysicalOffset(); frame++) {
                ByteBuffer bytes = master.readCommitLog(replica.maxPhysicalOffset(), 500 + frame * 211 % 1500);
                int at = 1 + frame % 7;
                java.util.Arrays.fill(reused, (byte) 0x5A);
                int n = bytes.remaining();
                bytes.get(reused, at, n);
                replica.appendReplicated(replica.maxPhysicalOffset(), ByteBuffer.wrap(reused, at, n));
            }
            java.util.Arrays.fill(reused, (byte) 0);
            for (int q = 0; q < 2; q++) {
                final int queue = q;
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> replica.maxOffset("RT", queue) == master.maxOffset("RT", queue));
                assertThat(bodies(replica, "RT", q)).isEqualTo(bodies(master, "RT", q));
            }

            // A whole record in one frame that lies about its position is refused all the same.
            long end = replica.maxPhysicalOffset();
            master.put(message("RT", 0, "liar")).join();
            ByteBuffer liar = master.readCommitLog(end, 1 << 20);
            int n = liar.remaining();
            liar.get(reused, 3, n);
            ByteBuffer frame = ByteBuffer.wrap(reused, 3, n);
            frame.putLong(3 + io.rocketkube.client.message.StoredMessageLayout.PHYSICAL_OFFSET_OFFSET, end + 4096);
            assertThatThrownBy(() -> replica.appendReplicated(end, frame))
                    .isInstanceOf(io.rocketkube.store.commitlog.InvalidReplicatedDataException.class)
                    .hasMessageContaining("says it is at");
            assertThat(replica.maxPhysicalOffset()).isEqualTo(end);
        }
    }

    @Test
    void aReplicaCutBackToItsMastersEndServesOnlyWhatTheMasterHasThenContinues() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            for (int i = 0; i < 10; i++) {
                master.put(message("RT", i % 2, "kept-" + i, "tag", "kept" + i, null))
                        .join();
            }
            long masterEnd = master.maxPhysicalOffset();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> master.maxOffset("RT", 0) == 5 && master.maxOffset("RT", 1) == 5);
            copy(master, replica, 1 << 20);
            // The replica got records from a master history that is then lost (older copy restored).
            try (DefaultMessageStore lost = SmallStores.started(dir.resolve("lost"))) {
                for (int i = 0; i < 10; i++) {
                    lost.put(message("RT", i % 2, "kept-" + i, "tag", "kept" + i, null))
                            .join();
                }
                for (int i = 0; i < 6; i++) {
                    lost.put(message("RT", i % 2, "lost-" + i, "tag", "lost" + i, null))
                            .join();
                }
                copy(lost, replica, 1 << 20);
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.maxOffset("RT", 0) == 8 && replica.maxOffset("RT", 1) == 8);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.queryByKey("RT", "lost5", 2, 0, Long.MAX_VALUE)
                                    .messages()
                                    .size()
                            == 1);

            assertThatThrownBy(() -> replica.truncateReplicated(masterEnd - 3)).hasMessageContaining("no record");
            assertThat(replica.truncateReplicated(masterEnd)).isPositive();

            assertThat(replica.maxPhysicalOffset()).isEqualTo(masterEnd);
            assertThat(replica.maxOffset("RT", 0)).isEqualTo(5);
            assertThat(bodies(replica, "RT", 0)).isEqualTo(bodies(master, "RT", 0));
            assertThat(bodies(replica, "RT", 1)).isEqualTo(bodies(master, "RT", 1));
            assertThat(replica.queryByKey("RT", "lost5", 2, 0, Long.MAX_VALUE).messages())
                    .isEmpty();

            for (int i = 10; i < 14; i++) {
                master.put(message("RT", i % 2, "after-" + i)).join();
            }
            copy(master, replica, 333);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> replica.maxOffset("RT", 0) == 7
                            && replica.maxOffset("RT", 1) == 7
                            && master.maxOffset("RT", 0) == 7
                            && master.maxOffset("RT", 1) == 7);
            assertThat(bodies(replica, "RT", 0)).isEqualTo(bodies(master, "RT", 0));
            assertThat(bodies(replica, "RT", 1)).isEqualTo(bodies(master, "RT", 1));
        }
        // The cut survives a restart.
        try (DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            assertThat(bodies(replica, "RT", 0)).noneMatch(b -> b.startsWith("lost"));
            assertThat(bodies(replica, "RT", 0)).hasSize(7);
        }
    }

    @Test
    void anEmptyReplicaStartsAtTheSegmentItsMasterStreamsFrom() {
        try (DefaultMessageStore master = SmallStores.started(dir.resolve("m"));
                DefaultMessageStore replica = SmallStores.started(dir.resolve("r"))) {
            int segment = master.config().commitLogSegmentSize();
            int i = 0;
            while (master.maxPhysicalOffset() < segment + 1000) {
                master.put(message("RT", 0, "m" + i++ + "-" + "z".repeat(700))).join();
            }
            long lastSegmentStart = master.maxPhysicalOffset() - master.maxPhysicalOffset() % segment;
            assertThat(lastSegmentStart).isEqualTo(segment);
            replica.appendReplicated(lastSegmentStart, master.readCommitLog(lastSegmentStart, 1 << 20));
            copy(master, replica, 1 << 20);
            assertThat(replica.minPhysicalOffset()).isEqualTo(lastSegmentStart);
            long masterCount = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> master.maxOffset("RT", 0) == masterCount);
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.maxOffset("RT", 0) == masterCount);
            List<String> tail = bodies(master, "RT", 0);
            assertThat(bodies(replica, "RT", 0))
                    .isEqualTo(
                            tail.subList(tail.size() - bodies(replica, "RT", 0).size(), tail.size()));
        }
    }
}
