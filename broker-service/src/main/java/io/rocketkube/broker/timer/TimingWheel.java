package io.rocketkube.broker.timer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The timing wheel: one slot per precision tick over a bounded horizon, each the head of a chain of
 * {@link TimerLog} records due at that tick, memory-mapped so a slot update costs a store into the page cache.
 * Tick {@code t} (a multiple of the precision, epoch ms) lives in slot {@code (t / precision) % slotCount};
 * a slot knows which tick it holds, so one still holding an old, delivered tick reads as empty for a new one.
 *
 * <pre>
 * header
 * offset  size  field
 * 0       4     magic        "RKTW"
 * 4       2     version      1
 * 6       2     reserved     0
 * 8       8     precisionMs
 * 16      4     slotCount
 * 20      4     headerCrc    CRC32C of bytes 0..19
 * 24      8     reserved     0
 * 32            slot 0
 *
 * slot i at 32 + 24 * i
 * 0       8     tick         epoch ms the slot holds, 0 when never used
 * 8       8     head         TimerLog position of the tick's last record, -1 for none
 * 16      4     count        records in the chain
 * 20      4     crc          CRC32C of bytes 0..19 of the slot
 * </pre>
 *
 * Bounds: 24 bytes per slot whatever the number of timers; slotCount is at most {@link #MAX_SLOTS} (24 MiB),
 * 259,202 with the defaults (3 days at 1 s, 6.2 MB). A file with another precision or slot count, a damaged
 * header or a slot failing its CRC is reported by {@link #open} so the service rebuilds it from the log.
 *
 * <p>Not thread-safe: the timer thread is its only writer; {@link #count} may be read by gauges (a torn read
 * only skews a metric).
 */
final class TimingWheel implements AutoCloseable {
    static final int MAGIC = 0x524B5457;
    static final short VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int PRECISION_OFFSET = 8;
    static final int SLOT_COUNT_OFFSET = 16;
    static final int HEADER_CRC_OFFSET = 20;
    static final int HEADER_SIZE = 32;
    static final int SLOT_TICK = 0;
    static final int SLOT_HEAD = 8;
    static final int SLOT_COUNT = 16;
    static final int SLOT_CRC = 20;
    static final int SLOT_SIZE = 24;
    static final int MAX_SLOTS = 1 << 20;

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final long precisionMs;
    private final int slotCount;
    private final CRC32C crc = new CRC32C();
    private final byte[] scratch = new byte[SLOT_SIZE];
    private final boolean intact;

    private TimingWheel(FileChannel channel, MappedByteBuffer map, long precisionMs, int slotCount, boolean intact) {
        this.channel = channel;
        this.map = map;
        this.precisionMs = precisionMs;
        this.slotCount = slotCount;
        this.intact = intact;
    }

    /**
     * Opens (or creates) the wheel file. {@link #intact} is false when the file was new, of another shape, or
     * damaged; it is then cleared, and the caller must rebuild it from the log.
     */
    static TimingWheel open(Path file, long precisionMs, int slotCount) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean existed = Files.exists(file);
        long size = HEADER_SIZE + (long) slotCount * SLOT_SIZE;
        FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        boolean sameShape = existed && channel.size() == size;
        MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        TimingWheel wheel = new TimingWheel(channel, map, precisionMs, slotCount, false);
        boolean intact = sameShape && wheel.headerMatches() && wheel.slotsValid();
        if (!intact) {
            wheel.clear();
        }
        return new TimingWheel(channel, map, precisionMs, slotCount, intact);
    }

    boolean intact() {
        return intact;
    }

    int slotCount() {
        return slotCount;
    }

    /** Head of {@code tick}'s chain, or -1 if it has none. */
    long head(long tick) {
        int at = offset(tick);
        return map.getLong(at + SLOT_TICK) == tick ? map.getLong(at + SLOT_HEAD) : -1;
    }

    /** Records linked into {@code tick}. */
    int count(long tick) {
        int at = offset(tick);
        return map.getLong(at + SLOT_TICK) == tick ? map.getInt(at + SLOT_COUNT) : 0;
    }

    void set(long tick, long head, int count) {
        int at = offset(tick);
        map.putLong(at + SLOT_TICK, tick).putLong(at + SLOT_HEAD, head).putInt(at + SLOT_COUNT, count);
        map.get(at, scratch, 0, SLOT_CRC);
        crc.reset();
        crc.update(scratch, 0, SLOT_CRC);
        map.putInt(at + SLOT_CRC, (int) crc.getValue());
    }

    void force() {
        map.force();
    }

    /** Empties every slot and writes a fresh header. */
    void clear() {
        for (int i = 0; i < slotCount; i++) {
            int at = HEADER_SIZE + i * SLOT_SIZE;
            map.putLong(at + SLOT_TICK, 0).putLong(at + SLOT_HEAD, -1).putInt(at + SLOT_COUNT, 0);
            map.get(at, scratch, 0, SLOT_CRC);
            crc.reset();
            crc.update(scratch, 0, SLOT_CRC);
            map.putInt(at + SLOT_CRC, (int) crc.getValue());
        }
        map.putInt(MAGIC_OFFSET, MAGIC)
                .putShort(VERSION_OFFSET, VERSION)
                .putShort(VERSION_OFFSET + 2, (short) 0)
                .putLong(PRECISION_OFFSET, precisionMs)
                .putInt(SLOT_COUNT_OFFSET, slotCount);
        map.putInt(HEADER_CRC_OFFSET, headerCrc());
        map.force();
    }

    private boolean headerMatches() {
        return map.getInt(MAGIC_OFFSET) == MAGIC
                && map.getShort(VERSION_OFFSET) == VERSION
                && map.getLong(PRECISION_OFFSET) == precisionMs
                && map.getInt(SLOT_COUNT_OFFSET) == slotCount
                && map.getInt(HEADER_CRC_OFFSET) == headerCrc();
    }

    private int headerCrc() {
        byte[] header = new byte[HEADER_CRC_OFFSET];
        map.get(0, header);
        crc.reset();
        crc.update(header);
        return (int) crc.getValue();
    }

    private boolean slotsValid() {
        for (int i = 0; i < slotCount; i++) {
            int at = HEADER_SIZE + i * SLOT_SIZE;
            map.get(at, scratch, 0, SLOT_CRC);
            crc.reset();
            crc.update(scratch, 0, SLOT_CRC);
            if ((int) crc.getValue() != map.getInt(at + SLOT_CRC)) {
                return false;
            }
        }
        return true;
    }

    private int offset(long tick) {
        return HEADER_SIZE + (int) ((tick / precisionMs) % slotCount) * SLOT_SIZE;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
