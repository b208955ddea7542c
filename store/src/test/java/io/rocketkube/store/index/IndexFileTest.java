package io.rocketkube.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexFileTest {

    @TempDir
    Path dir;

    private static List<Long> query(IndexFile f, String key, long begin, long end, int max) {
        List<Long> out = new ArrayList<>();
        f.query(key, begin, end, max, out);
        return out;
    }

    @Test
    void findsEntriesByKeyNewestFirstWithinTheTimeRange() {
        IndexFile f = IndexFile.create(dir.resolve("a.idx"), 7, 100, 0, 10);
        for (int i = 0; i < 30; i++) {
            f.put("T#k" + (i % 3), i * 100L, 10 + i);
        }
        assertThat(query(f, "T#k1", 0, Long.MAX_VALUE, 100))
                .containsExactly(2800L, 2500L, 2200L, 1900L, 1600L, 1300L, 1000L, 700L, 400L, 100L);
        assertThat(query(f, "T#k1", 20, 30, 100)).containsExactly(1900L, 1600L, 1300L, 1000L);
        assertThat(query(f, "T#k1", 0, Long.MAX_VALUE, 2)).containsExactly(2800L, 2500L);
        assertThat(query(f, "T#none", 0, Long.MAX_VALUE, 10)).isEmpty();
        f.close();
    }

    @Test
    void refusesEntriesWhenFull() {
        IndexFile f = IndexFile.create(dir.resolve("a.idx"), 7, 4, 0, 0);
        assertThat(f.put("a", 1, 1)).isTrue();
        assertThat(f.put("b", 2, 1)).isTrue();
        assertThat(f.put("c", 3, 1)).isTrue();
        assertThat(f.put("d", 4, 1)).isFalse();
        assertThat(f.isFull()).isTrue();
        f.close();
    }

    @Test
    void reopensFromItsFlushedHeaderAndForgetsUnflushedEntriesAfterTruncation() {
        Path p = dir.resolve("a.idx");
        IndexFile f = IndexFile.create(p, 5, 100, 0, 0);
        for (int i = 0; i < 10; i++) {
            f.put("k", i * 10L, i);
        }
        f.flush();
        for (int i = 10; i < 15; i++) {
            f.put("k", i * 10L, i);
        }
        f.close();
        IndexFile again = ((IndexFile.OpenResult.Ok) IndexFile.open(p)).file();
        assertThat(again.entryCount()).as("the header is from the last flush").isEqualTo(10);
        again.truncateFrom(50);
        assertThat(query(again, "k", 0, Long.MAX_VALUE, 100)).containsExactly(40L, 30L, 20L, 10L, 0L);
        again.put("k", 55, 20);
        assertThat(query(again, "k", 0, Long.MAX_VALUE, 100)).containsExactly(55L, 40L, 30L, 20L, 10L, 0L);
        again.close();
    }

    @Test
    void aDamagedHeaderIsReportedAsCorrupt() throws Exception {
        Path p = dir.resolve("a.idx");
        IndexFile f = IndexFile.create(p, 5, 100, 0, 0);
        f.put("k", 1, 1);
        f.flush();
        f.close();
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(IndexFile.ENTRY_COUNT_OFFSET);
            raf.writeInt(3);
        }
        assertThat(IndexFile.open(p))
                .isInstanceOfSatisfying(
                        IndexFile.OpenResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("CRC"));
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(IndexFile.MAGIC_OFFSET);
            raf.writeInt(0);
        }
        assertThat(IndexFile.open(p))
                .isInstanceOfSatisfying(
                        IndexFile.OpenResult.Corrupt.class,
                        c -> assertThat(c.reason()).contains("magic"));
    }
}
