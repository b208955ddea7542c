package io.rocketkube.store;

import static io.rocketkube.store.TestMessages.message;
import static io.rocketkube.store.TestMessages.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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

    @Test
    void aReplicaFedRawBytesInOddChunksServesTheSameQueues() {
        try (DefaultMessageStore master = DefaultMessageStore.open(smallConfig(dir.resolve("m")).build());
             DefaultMessageStore replica = DefaultMessageStore.open(smallConfig(dir.resolve("r")).build())) {
            for (int i = 0; i < 120; i++) {
                master.put(message("RT", i % 3, "m" + i + "-" + "y".repeat(i * 13 % 900), "tag", "k" + i, null)).join();
            }
            copy(master, replica, 777);
            assertThat(replica.maxPhysicalOffset()).isEqualTo(master.maxPhysicalOffset());
            for (int q = 0; q < 3; q++) {
                final int queue = q;
                await().atMost(Duration.ofSeconds(10)).until(() -> replica.maxOffset("RT", queue) == master.maxOffset("RT", queue));
                assertThat(bodies(replica, "RT", q)).isEqualTo(bodies(master, "RT", q));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> replica.queryByKey("RT", "k119", 2, 0, Long.MAX_VALUE).messages().size() == 1);
            assertThat(replica.queryByKey("RT", "k5", 2, 0, Long.MAX_VALUE).messages()).hasSize(1);

            assertThatThrownBy(() -> replica.appendReplicated(replica.maxPhysicalOffset() + 1, ByteBuffer.allocate(4)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not continue");
            assertThat(master.readCommitLog(master.maxPhysicalOffset(), 100).remaining()).isZero();
        }
    }

    @Test
    void aReplicaKilledWithAPartialRecordRecoversToTheLastWholeOne() throws Exception {
        Path rdir = dir.resolve("r");
        long wholeEnd;
        try (DefaultMessageStore master = DefaultMessageStore.open(smallConfig(dir.resolve("m")).build())) {
            for (int i = 0; i < 10; i++) {
                master.put(message("RT", 0, "m" + i)).join();
            }
            wholeEnd = master.maxPhysicalOffset();
            master.put(message("RT", 0, "the partial one")).join();
            try (DefaultMessageStore replica = DefaultMessageStore.open(smallConfig(rdir).build())) {
                replica.appendReplicated(0, master.readCommitLog(0, (int) wholeEnd + 20));
                await().atMost(Duration.ofSeconds(10)).until(() -> replica.maxOffset("RT", 0) == 10);
            }
        }
        try (DefaultMessageStore replica = DefaultMessageStore.open(smallConfig(rdir).build())) {
            assertThat(replica.maxPhysicalOffset()).isEqualTo(wholeEnd);
            assertThat(replica.maxOffset("RT", 0)).isEqualTo(10);
            assertThat(bodies(replica, "RT", 0)).hasSize(10);
        }
    }
}
