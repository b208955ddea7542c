package io.rocketkube.broker.schedule;

import io.rocketkube.store.file.ChecksummedFile;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code config/delayOffset.rkc}: how far each delay level has been delivered. Our own file instead of the
 * reference's {@code delayOffset.json}, so a torn or damaged file is detected instead of read as "nothing
 * delivered yet" (which would deliver every scheduled message again). The header is
 * {@link ChecksummedFile}'s (magic {@code "RKDO"}, format version, payload length, CRC32C of the payload,
 * written to a temporary sibling, forced and renamed over the old file). The payload:
 *
 * <pre>
 * offset        size  field
 * 0             4     levelCount   L
 * 4             4     level        } L entries, level ascending
 * 8             8     offset       } the next schedule-queue offset to deliver of that level
 * 4 + 12 * L          end
 * </pre>
 *
 * Big-endian, as the rest of our files. A level missing from the file starts at 0 (a level added to the
 * configuration); a level in the file but no longer configured is kept, so shrinking and growing the list
 * again does not redeliver.
 */
final class DelayOffsetFile {
    /** "RKDO". Never change: it is on disk. */
    static final int MAGIC = 0x524B444F;

    static final int FORMAT_VERSION = 1;
    static final int COUNT_OFFSET = 0;
    static final int ENTRIES_OFFSET = COUNT_OFFSET + Integer.BYTES;
    static final int ENTRY_LEVEL = 0;
    static final int ENTRY_OFFSET = ENTRY_LEVEL + Integer.BYTES;
    static final int ENTRY_SIZE = ENTRY_OFFSET + Long.BYTES;

    private final ChecksummedFile file;

    DelayOffsetFile(Path storePath) {
        this.file = new ChecksummedFile(storePath.resolve("config").resolve("delayOffset.rkc"), MAGIC, FORMAT_VERSION);
    }

    Path path() {
        return file.path();
    }

    /** The offsets by level (index = level; 0 unused), or empty if there is no file yet. */
    Optional<long[]> read() throws IOException {
        Optional<byte[]> payload = file.read();
        if (payload.isEmpty()) {
            return Optional.empty();
        }
        ByteBuffer in = ByteBuffer.wrap(payload.get());
        try {
            int count = in.getInt(COUNT_OFFSET);
            if (count < 0 || ENTRIES_OFFSET + (long) count * ENTRY_SIZE != in.capacity()) {
                throw new IOException(file.path() + " says " + count + " levels but holds " + in.capacity() + " bytes");
            }
            int maxLevel = 0;
            for (int i = 0; i < count; i++) {
                maxLevel = Math.max(maxLevel, levelAt(in, i));
            }
            long[] offsets = new long[maxLevel + 1];
            for (int i = 0; i < count; i++) {
                long offset = in.getLong(ENTRIES_OFFSET + i * ENTRY_SIZE + ENTRY_OFFSET);
                if (offset < 0) {
                    throw new IOException(file.path() + " has a negative offset for level " + levelAt(in, i));
                }
                offsets[levelAt(in, i)] = offset;
            }
            return Optional.of(offsets);
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IOException(file.path() + " is malformed", e);
        }
    }

    private int levelAt(ByteBuffer in, int i) throws IOException {
        int level = in.getInt(ENTRIES_OFFSET + i * ENTRY_SIZE + ENTRY_LEVEL);
        if (level < 1 || level > 10_000) {
            throw new IOException(file.path() + " has an impossible level " + level);
        }
        return level;
    }

    /** Writes {@code offsets} (index = level) atomically. */
    void write(long[] offsets) throws IOException {
        int count = Math.max(0, offsets.length - 1);
        ByteBuffer out = ByteBuffer.allocate(ENTRIES_OFFSET + count * ENTRY_SIZE);
        out.putInt(COUNT_OFFSET, count);
        for (int level = 1; level < offsets.length; level++) {
            int at = ENTRIES_OFFSET + (level - 1) * ENTRY_SIZE;
            out.putInt(at + ENTRY_LEVEL, level);
            out.putLong(at + ENTRY_OFFSET, offsets[level]);
        }
        file.write(out.array());
    }
}
