package io.rocketkube.store.engine;

import static io.rocketkube.store.TestMessages.message;
import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.store.GetResult;
import io.rocketkube.store.MessageFilter;
import io.rocketkube.store.PutResult;
import io.rocketkube.store.TestMessages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One corrupt record in the first of three CommitLog segments: recovery keeps serving the records
 * before it, and sets the rest aside in {@code quarantine/<time>/} (later segments byte-identical, the
 * damaged segment's tail copied) instead of deleting acknowledged data.
 */
class QuarantineRecoveryTest {

    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private record Written(long phy, int size, String body) {}

    @Test
    void aCorruptRecordInTheFirstOfThreeSegmentsQuarantinesTheRestInsteadOfDeletingIt() throws IOException {
        Path data = dir.resolve("store");
        List<Written> written = new ArrayList<>();
        try (DefaultMessageStore store = SmallStores.started(data)) {
            for (int i = 0; store.maxPhysicalOffset() < 2L * SEGMENT + SEGMENT / 2; i++) {
                String body = "body-" + i + "-" + "q".repeat(700);
                PutResult r = store.put(message("Q", 0, body)).join();
                written.add(new Written(r.firstPhysicalOffset(), r.wroteBytes(), body));
            }
        }
        Path commitLog = data.resolve("commitlog");
        assertThat(segmentsIn(commitLog)).hasSize(3);
        int victim = 10;
        Written w = written.get(victim);
        assertThat(w.phy() + w.size()).isLessThan(SEGMENT);
        byte[] seg1 = Files.readAllBytes(commitLog.resolve(name(SEGMENT)));
        byte[] seg2 = Files.readAllBytes(commitLog.resolve(name(2L * SEGMENT)));
        byte[] seg0 = Files.readAllBytes(commitLog.resolve(name(0)));
        int lastInSeg0 = 0;
        for (Written x : written) {
            if (x.phy() < SEGMENT) {
                lastInSeg0 = (int) (x.phy() + x.size());
            }
        }
        byte[] expectedTail = Arrays.copyOfRange(seg0, (int) w.phy(), SEGMENT);
        // the blank filler closing the segment ends the non-zero bytes
        expectedTail = Arrays.copyOf(expectedTail, lastNonZero(expectedTail) + 1);
        assertThat(expectedTail.length).isGreaterThanOrEqualTo(lastInSeg0 - (int) w.phy());

        int bodyAt = indexOf(seg0, w.body().getBytes(StandardCharsets.UTF_8), (int) w.phy());
        flip(commitLog.resolve(name(0)), bodyAt + 3);
        expectedTail[bodyAt + 3 - (int) w.phy()] ^= 0x10;
        Files.delete(data.resolve("checkpoint"));
        Files.createFile(data.resolve("abort"));

        try (DefaultMessageStore store = SmallStores.started(data)) {
            assertThat(store.recoveryOutcome().end()).isEqualTo(w.phy());
            Path q = store.recoveryOutcome().quarantined().orElseThrow(() -> new AssertionError("nothing quarantined"));
            assertThat(q.getParent()).isEqualTo(data.resolve("quarantine"));
            // Before: segments 2 and 3 were deleted and the tail of segment 1 zeroed.
            assertThat(Files.readAllBytes(q.resolve(name(SEGMENT)))).isEqualTo(seg1);
            assertThat(Files.readAllBytes(q.resolve(name(2L * SEGMENT)))).isEqualTo(seg2);
            assertThat(Files.readAllBytes(q.resolve(name(w.phy()) + ".tail"))).isEqualTo(expectedTail);
            assertThat(Files.readString(q.resolve("REASON"))).contains("valid up to offset " + w.phy());
            assertThat(segmentsIn(commitLog)).containsExactly(name(0));
            assertThat(store.health().problems()).singleElement().asString().contains(q.toString());
            assertThat(store.health().notLiveReason(store.config().clock().millis(), 60_000))
                    .isEmpty();

            // The valid prefix keeps serving, and appends continue after it.
            assertThat(store.maxOffset("Q", 0)).isEqualTo(victim);
            try (GetResult g = store.get("Q", 0, 0, 32, 1 << 20, MessageFilter.ALL)) {
                assertThat(g.messages()).hasSize(victim);
                assertThat(TestMessages.bodyOf(g.messages().get(victim - 1)))
                        .isEqualTo(written.get(victim - 1).body());
            }
            PutResult next = store.put(message("Q", 0, "after")).join();
            assertThat(next.firstQueueOffset()).isEqualTo(victim);
            assertThat(next.firstPhysicalOffset()).isEqualTo(w.phy());
        }
    }

    @Test
    void anOrdinaryCrashQuarantinesNothing() throws IOException {
        Path data = dir.resolve("store");
        try (DefaultMessageStore store = SmallStores.started(data)) {
            for (int i = 0; i < 30; i++) {
                store.put(message("Q", 0, "m" + i)).join();
            }
        }
        Files.delete(data.resolve("checkpoint"));
        Files.createFile(data.resolve("abort"));
        try (DefaultMessageStore store = SmallStores.started(data)) {
            assertThat(store.recoveryOutcome().quarantined()).isEmpty();
            assertThat(Files.exists(data.resolve("quarantine"))).isFalse();
            assertThat(store.maxOffset("Q", 0)).isEqualTo(30);
        }
    }

    private static String name(long start) {
        return String.format("%020d", start);
    }

    private static List<String> segmentsIn(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int lastNonZero(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void flip(Path file, long pos) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x10);
        }
    }
}
