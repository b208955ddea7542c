package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.client.message.StoredMessageLayout;
import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.TestMessages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Flip or cut CommitLog bytes at random positions, then recover as after a crash without a
 * checkpoint: exactly the records before the damaged one survive, and the ConsumeQueues and the index
 * agree with them.
 *
 * <p>RocketMQ's record format covers only the body with a CRC, so flips are aimed at the bytes a
 * validator can check: size, magic, body CRC, the record's own physical offset, the length fields and
 * the body. (A flipped bit in, say, the born timestamp is undetectable in this format.)
 */
class CorruptionRecoveryTest {

    private static final int SEGMENT = 64 * 1024;
    private static final int QUEUES = 3;

    @TempDir
    Path dir;

    private record Written(long phy, int size, int queue, long queueOffset, String body, String key) {}

    private List<Written> fill(Path data, Random random) {
        List<Written> out = new ArrayList<>();
        try (DefaultMessageStore store = SmallStores.started(data)) {
            for (int i = 0; i < 150; i++) {
                int q = random.nextInt(QUEUES);
                String body = "body-" + i + "-" + "z".repeat(random.nextInt(1500));
                String key = "key-" + i;
                PutResult r = store.put(message("C", q, body, "t" + (i % 2), key, "U" + i))
                        .join();
                out.add(new Written(r.firstPhysicalOffset(), r.wroteBytes(), q, r.firstQueueOffset(), body, key));
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void aFlippedByteKeepsExactlyThePrefixBeforeIt(long seed) throws IOException {
        Random random = new Random(seed);
        Path data = dir.resolve("store");
        List<Written> written = fill(data, random);
        int victim = random.nextInt(written.size());
        Written w = written.get(victim);
        long pos = w.phy() + pickCheckedByte(w, random);
        flipBit(data, pos, random.nextInt(8));
        simulateCrashWithoutCheckpoint(data);
        verifyPrefix(data, written, victim);
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24, 25, 26, 27, 28})
    void aCutLogKeepsExactlyTheWholeRecordsBeforeTheCut(long seed) throws IOException {
        Random random = new Random(seed);
        Path data = dir.resolve("store");
        List<Written> written = fill(data, random);
        long end = written.get(written.size() - 1).phy()
                + written.get(written.size() - 1).size();
        long cut = (long) (random.nextDouble() * end);
        cutAt(data, cut);
        simulateCrashWithoutCheckpoint(data);
        int firstLost = 0;
        while (firstLost < written.size()
                && written.get(firstLost).phy() + written.get(firstLost).size() <= cut) {
            firstLost++;
        }
        verifyPrefix(data, written, firstLost);
    }

    private static int pickCheckedByte(Written w, Random random) {
        int bodyLenAt = StoredMessageLayout.bodyLengthOffset(0);
        int bodyLen = w.body().length();
        int[][] ranges = {
            {StoredMessageLayout.TOTAL_SIZE_OFFSET, 4},
            {StoredMessageLayout.MAGIC_OFFSET, 4},
            {StoredMessageLayout.BODY_CRC_OFFSET, 4},
            {StoredMessageLayout.PHYSICAL_OFFSET_OFFSET, 8},
            {bodyLenAt, 4 + bodyLen},
            {bodyLenAt + 4 + bodyLen, 1},
        };
        int[] r = ranges[random.nextInt(ranges.length)];
        return r[0] + random.nextInt(r[1]);
    }

    private void verifyPrefix(Path data, List<Written> written, int survivors) {
        try (DefaultMessageStore store = SmallStores.started(data)) {
            long expectedEnd = survivors == 0
                    ? 0
                    : written.get(survivors - 1).phy()
                            + written.get(survivors - 1).size();
            if (survivors < written.size()
                    && survivors > 0
                    && written.get(survivors).phy() % SEGMENT == 0) {
                // the lost record opened a segment; the valid end is the start of that segment
                expectedEnd = written.get(survivors).phy();
            }
            assertThat(store.recoveryOutcome().end()).isEqualTo(expectedEnd);
            for (int q = 0; q < QUEUES; q++) {
                final int queue = q;
                List<Written> kept = written.subList(0, survivors).stream()
                        .filter(w -> w.queue() == queue)
                        .toList();
                assertThat(store.maxOffset("C", q)).as("queue %d", q).isEqualTo(kept.size());
                List<String> bodies = new ArrayList<>();
                long o = 0;
                while (o < store.maxOffset("C", q)) {
                    try (GetResult g = store.get("C", q, o, 16, 1 << 20, MessageFilter.ALL)) {
                        g.messages().forEach(s -> bodies.add(TestMessages.bodyOf(s)));
                        o = g.nextBeginOffset();
                    }
                }
                assertThat(bodies)
                        .containsExactlyElementsOf(
                                kept.stream().map(Written::body).toList());
            }
            for (int i = 0; i < written.size(); i++) {
                Written w = written.get(i);
                int hits = store.queryByKey("C", w.key(), 4, 0, Long.MAX_VALUE)
                        .messages()
                        .size();
                assertThat(hits).as("index hits for %s", w.key()).isEqualTo(i < survivors ? 1 : 0);
            }
            // New appends continue right after the valid prefix.
            long keptInQueue0 = written.subList(0, survivors).stream()
                    .filter(w -> w.queue() == 0)
                    .count();
            PutResult next = store.put(message("C", 0, "after")).join();
            assertThat(next.firstQueueOffset()).isEqualTo(keptInQueue0);
            assertThat(next.firstPhysicalOffset()).isGreaterThanOrEqualTo(expectedEnd);
        }
    }

    private static void simulateCrashWithoutCheckpoint(Path data) throws IOException {
        Files.deleteIfExists(data.resolve("checkpoint"));
        Files.createFile(data.resolve("abort"));
    }

    private static Path segmentOf(Path data, long pos) {
        return data.resolve("commitlog").resolve(String.format("%020d", pos - pos % SEGMENT));
    }

    private static void flipBit(Path data, long pos, int bit) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(segmentOf(data, pos).toFile(), "rw")) {
            f.seek(pos % SEGMENT);
            int b = f.read();
            f.seek(pos % SEGMENT);
            f.write(b ^ (1 << bit));
        }
    }

    private static void cutAt(Path data, long pos) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(segmentOf(data, pos).toFile(), "rw")) {
            f.setLength(pos % SEGMENT);
        }
        try (Stream<Path> files = Files.list(data.resolve("commitlog"))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (Long.parseLong(p.getFileName().toString()) > pos) {
                    Files.delete(p);
                }
            }
        }
    }
}
