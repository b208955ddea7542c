package io.rocketkube.broker.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rocketkube.store.MessageRecordRequest;
import io.rocketkube.store.MessageSlice;
import io.rocketkube.store.MessageStore;
import io.rocketkube.store.StoreConfig;
import io.rocketkube.store.engine.DefaultMessageStore;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real stores with small segments: a "master" and a "replica" that share a history and then take different
 * records, as a slave and a master restored from an older copy do. The search must name the first record they
 * do not share, across segments and through the sampled records, with few questions to the master.
 */
class CommonPrefixTest {
    private static final int SEGMENT = 64 * 1024;
    private static final InetSocketAddress BORN = new InetSocketAddress("127.0.0.2", 40000);

    @TempDir
    Path dir;

    private static DefaultMessageStore store(Path dir) {
        return DefaultMessageStore.open(StoreConfig.builder(dir)
                        .commitLogSegmentSize(SEGMENT)
                        .maxMessageSize(16 * 1024)
                        .diskCleanExpiredPercent(100)
                        .diskCleanForciblyPercent(100)
                        .build())
                .start();
    }

    private static void put(MessageStore store, String prefix, int from, int count) {
        for (int i = from; i < from + count; i++) {
            String body = prefix + i + "-" + "z".repeat(i * 7 % 90);
            store.put(MessageRecordRequest.builder("CP", i % 4, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)))
                            .bornHost(BORN)
                            .bornTimestamp(1_700_000_000_000L)
                            .build())
                    .join();
        }
    }

    /** The replica takes the master's bytes as a slave does. */
    private static void replicate(MessageStore master, MessageStore replica) {
        while (replica.maxPhysicalOffset() < master.maxPhysicalOffset()) {
            replica.appendReplicated(
                    replica.maxPhysicalOffset(), master.readCommitLog(replica.maxPhysicalOffset(), 4096));
        }
    }

    private static CommonPrefix.MasterRecords counting(MessageStore master, AtomicInteger asked) {
        return offset -> {
            asked.incrementAndGet();
            return master.lookMessageByPhysicalOffset(offset).map(MessageSlice::toBytes);
        };
    }

    @Test
    void findsTheFirstRecordTheTwoDoNotShareAcrossSegmentsWithFewQuestions() throws Exception {
        try (DefaultMessageStore master = store(dir.resolve("m"));
                DefaultMessageStore replica = store(dir.resolve("r"))) {
            put(master, "shared-", 0, 1700);
            replicate(master, replica);
            long shared = master.maxPhysicalOffset();
            assertThat(shared / SEGMENT).as("the shared history spans segments").isGreaterThan(2);
            AtomicInteger asked = new AtomicInteger();
            assertThat(new CommonPrefix(replica, SEGMENT, counting(master, asked), 8).firstDifference())
                    .as("everything agrees: nothing to cut")
                    .isEqualTo(shared);
            assertThat(asked).hasValue(1);

            // The master loses its tail and takes other records; the replica keeps records of the lost history.
            put(master, "master-", 0, 1300);
            put(replica, "replica-", 0, 900);
            asked.set(0);
            assertThat(new CommonPrefix(replica, SEGMENT, counting(master, asked), 8).firstDifference())
                    .isEqualTo(shared);
            assertThat(asked.get()).isLessThan(40);
            assertThat(new CommonPrefix(replica, SEGMENT, counting(master, asked)).firstDifference())
                    .as("with the production stride")
                    .isEqualTo(shared);
        }
    }

    @Test
    void aReplicaBehindItsMasterAgreesAndOneThatSharesNothingIsRefused() throws Exception {
        try (DefaultMessageStore master = store(dir.resolve("m"));
                DefaultMessageStore behind = store(dir.resolve("b"));
                DefaultMessageStore stranger = store(dir.resolve("s"));
                DefaultMessageStore empty = store(dir.resolve("e"))) {
            put(master, "m-", 0, 400);
            replicate(master, behind);
            put(master, "m-", 400, 300);
            assertThat(new CommonPrefix(behind, SEGMENT, counting(master, new AtomicInteger()), 8).firstDifference())
                    .isEqualTo(behind.maxPhysicalOffset());

            put(stranger, "s-", 0, 500);
            assertThatThrownBy(() -> new CommonPrefix(stranger, SEGMENT, counting(master, new AtomicInteger()), 8)
                            .firstDifference())
                    .isInstanceOf(CommonPrefix.NoCommonPrefixException.class);
            assertThat(new CommonPrefix(empty, SEGMENT, counting(master, new AtomicInteger()), 8).firstDifference())
                    .as("an empty replica has nothing to compare")
                    .isZero();
        }
    }
}
