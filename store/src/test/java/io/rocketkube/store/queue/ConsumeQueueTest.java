package io.rocketkube.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.rocketkube.store.ConsumeQueueEntry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsumeQueueTest {

    @TempDir
    Path dir;

    @Test
    void storesTwentyByteUnitsAcrossFilesAndReloadsTheirBounds() {
        ConsumeQueue q = ConsumeQueue.open(dir, "T", 0, 4);
        assertThat(q.maxOffset()).isZero();
        assertThat(q.get(0)).isNull();
        for (int i = 0; i < 10; i++) {
            q.put(i, 1000L * i, 100 + i, -i);
        }
        assertThat(q.maxOffset()).isEqualTo(10);
        assertThat(q.get(7)).isEqualTo(new ConsumeQueueEntry(7, 7000, 107, -7));
        assertThat(dir.resolve("00000000000000000080"))
                .as("third file starts at byte 4 * 20 * 2")
                .exists();
        q.flush();
        q.close();

        ConsumeQueue again = ConsumeQueue.open(dir, "T", 0, 4);
        assertThat(again.minOffset()).isZero();
        assertThat(again.maxOffset()).isEqualTo(10);
        assertThat(again.get(9)).isEqualTo(new ConsumeQueueEntry(9, 9000, 109, -9));
        again.close();
    }

    @Test
    void aQueueMayStartPastZero() {
        ConsumeQueue q = ConsumeQueue.open(dir, "T", 0, 4);
        q.put(6, 0, 10, 0);
        assertThat(q.minOffset()).isEqualTo(6);
        assertThat(q.maxOffset()).isEqualTo(7);
        q.close();
        ConsumeQueue again = ConsumeQueue.open(dir, "T", 0, 4);
        assertThat(again.minOffset()).isEqualTo(6);
        assertThat(again.maxOffset()).isEqualTo(7);
        again.close();
    }

    @Test
    void truncateDropsEntriesPointingAtOrPastTheEnd() {
        ConsumeQueue q = ConsumeQueue.open(dir, "T", 0, 4);
        for (int i = 0; i < 10; i++) {
            q.put(i, 100L * i, 50, 0);
        }
        q.truncateFrom(450);
        assertThat(q.maxOffset()).isEqualTo(5);
        assertThat(q.get(5)).isNull();
        q.put(5, 460, 50, 0);
        assertThat(q.get(5).commitLogOffset()).isEqualTo(460);
        q.close();
        ConsumeQueue again = ConsumeQueue.open(dir, "T", 0, 4);
        assertThat(again.maxOffset()).isEqualTo(6);
        again.close();
    }

    @Test
    void truncatingEverythingKeepsTheOffsets() {
        ConsumeQueue q = ConsumeQueue.open(dir, "T", 0, 4);
        for (int i = 0; i < 6; i++) {
            q.put(i, 100L * i, 50, 0);
        }
        q.dropBefore(400);
        assertThat(q.minOffset()).isEqualTo(4);
        q.truncateFrom(0);
        assertThat(q.maxOffset()).isEqualTo(4);
        assertThat(q.minOffset()).isEqualTo(4);
        q.close();
    }

    @Test
    void dropBeforeMovesTheMinAndDeletesWholeOldFiles() {
        ConsumeQueue q = ConsumeQueue.open(dir, "T", 0, 4);
        for (int i = 0; i < 12; i++) {
            q.put(i, 100L * i, 50, 0);
        }
        q.dropBefore(550);
        assertThat(q.minOffset()).isEqualTo(6);
        assertThat(dir.resolve("00000000000000000000")).doesNotExist();
        assertThat(q.get(5)).isNull();
        assertThat(q.get(6).commitLogOffset()).isEqualTo(600);
        q.close();
    }
}
