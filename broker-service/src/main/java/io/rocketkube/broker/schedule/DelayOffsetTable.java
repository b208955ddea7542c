package io.rocketkube.broker.schedule;

import io.rocketkube.client.protocol.RemotingJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The delivery position of each delay level: the next SCHEDULE_TOPIC_XXXX queue offset to deliver. The
 * delivery loop is the only writer; the admin answers, the runtime info and the persist task read. Persisted
 * by {@link #persistIfChanged} (every few hundred milliseconds and at shutdown), so after a crash at most
 * what was delivered since the last write is delivered again, and nothing is skipped: a position is only
 * advanced past messages whose re-put has completed.
 */
public final class DelayOffsetTable {
    private final DelayOffsetFile file;
    private final AtomicLongArray offsets;
    private final Object persistLock = new Object();
    private volatile long version;
    private long persistedVersion = -1;

    private DelayOffsetTable(DelayOffsetFile file, long[] loaded) {
        this.file = file;
        this.offsets = new AtomicLongArray(loaded);
    }

    /**
     * Loads the table for {@code maxLevel} levels (more if the file knows more).
     *
     * @throws IOException if the file exists but is damaged: the broker must not guess its positions
     */
    public static DelayOffsetTable load(Path storePath, int maxLevel) throws IOException {
        DelayOffsetFile file = new DelayOffsetFile(storePath);
        long[] stored = file.read().orElse(new long[0]);
        long[] offsets = new long[Math.max(maxLevel + 1, stored.length)];
        System.arraycopy(stored, 0, offsets, 0, stored.length);
        DelayOffsetTable table = new DelayOffsetTable(file, offsets);
        table.persistedVersion = 0;
        return table;
    }

    /** The next offset to deliver of {@code level}. */
    public long offset(int level) {
        return offsets.get(level);
    }

    void advance(int level, long next) {
        offsets.set(level, next);
        version++;
    }

    /** The highest level this table has a position for. */
    public int maxLevel() {
        return offsets.length() - 1;
    }

    /** Level → offset for every level, ascending: the body of GET_ALL_DELAY_OFFSET. */
    public Map<Integer, Long> snapshot() {
        Map<Integer, Long> out = new TreeMap<>();
        for (int level = 1; level < offsets.length(); level++) {
            out.put(level, offsets.get(level));
        }
        return out;
    }

    /**
     * A slave takes its master's positions (GET_ALL_DELAY_OFFSET's body, {@code {"offsetTable":{"1":5}}}), so
     * that after a failover its own delivery would start where the master stopped. Levels this table does not
     * know and negative offsets are ignored; the file is written by the next {@link #persistIfChanged}.
     *
     * @throws IllegalArgumentException if the body is not such a table
     */
    public void applyFromMaster(String json) {
        MasterTable table = RemotingJson.decode(json.getBytes(StandardCharsets.UTF_8), MasterTable.class);
        if (table == null || table.offsetTable() == null) {
            throw new IllegalArgumentException("not a delay offset table: " + json);
        }
        table.offsetTable().forEach((level, offset) -> {
            if (level != null && offset != null && level >= 1 && level < offsets.length() && offset >= 0) {
                advance(level, offset);
            }
        });
    }

    private record MasterTable(Map<Integer, Long> offsetTable) {}

    /** Writes the file if a position moved since the last write. */
    public void persistIfChanged() throws IOException {
        synchronized (persistLock) {
            long v = version;
            if (v == persistedVersion) {
                return;
            }
            long[] copy = new long[offsets.length()];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = offsets.get(i);
            }
            file.write(copy);
            persistedVersion = v;
        }
    }
}
