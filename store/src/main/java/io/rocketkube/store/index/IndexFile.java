package io.rocketkube.store.index;

import io.rocketkube.store.file.BlockAllocator;
import io.rocketkube.store.file.FileSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32;

/**
 * One hash index file over message keys: a fixed slot table of chain heads and an append-only array of
 * entries, each linked to the previous entry of its slot. Our own format (the reference keeps a
 * similar one without magic or CRC), so it carries a magic, a version and a header CRC.
 * <pre>
 * header, 64 bytes
 *   0   4  MAGIC          0x524B4958 ("RKIX")
 *   4   4  VERSION        1
 *   8   4  SLOT_COUNT     S
 *   12  4  MAX_ENTRIES    E (entry 0 is never used: 0 ends a chain)
 *   16  4  ENTRY_COUNT    entries in use + 1
 *   20  4  (zero)
 *   24  8  BEGIN_TIMESTAMP store time of the first entry
 *   32  8  END_TIMESTAMP   store time of the last entry
 *   40  8  BEGIN_PHY       physical offset of the first entry
 *   48  8  END_PHY         physical offset of the last entry
 *   56  4  HEADER_CRC     CRC32 of bytes [0, 56)
 *   60  4  (zero)
 * slot table at 64: S × 4-byte entry numbers (0 = empty slot)
 * entries at 64 + 4S: E × 24 bytes
 *   0   4  KEY_HASH        String.hashCode(key) &amp; 0x7FFFFFFF; slot = KEY_HASH % S
 *   4   8  PHY_OFFSET      CommitLog offset of the record
 *   12  8  STORE_TIMESTAMP
 *   20  4  PREV_ENTRY      previous entry of the same slot, 0 if none
 * </pre>
 *
 * <p><b>Durability.</b> Entries and slots are written through the mapping as messages are dispatched;
 * the header is written (with its CRC) only by {@link #flush()}, so after a crash the header describes
 * the last flushed state: entries past its count are ignored, and recovery rebuilds the slot table from
 * the entries it keeps ({@link #truncateFrom}). Entries are appended in physical-offset order, which is
 * what lets truncation cut the tail by offset.
 *
 * <p><b>Allocation.</b> Everything is written through the mapping, where a full disk would fault
 * (SIGBUS) instead of failing; so a new file has its header and slot table allocated before it is
 * mapped, and entries are allocated {@link #ALLOCATE_AHEAD} at a time before they are written
 * ({@link BlockAllocator}); a full disk is then an exception from {@link #put} with nothing
 * written. (Allocating a default 420 MB file whole would write that much per file for nothing.)
 *
 * <p><b>Threading.</b> One writer (the dispatcher) and concurrent readers; all methods synchronize on the
 * file, which is uncontended in practice (the dispatcher is the only frequent caller).
 */
public final class IndexFile {

    public static final int MAGIC = 0x524B4958;
    public static final int VERSION = 1;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = MAGIC_OFFSET + 4;
    static final int SLOT_COUNT_OFFSET = VERSION_OFFSET + 4;
    static final int MAX_ENTRIES_OFFSET = SLOT_COUNT_OFFSET + 4;
    static final int ENTRY_COUNT_OFFSET = MAX_ENTRIES_OFFSET + 4;
    static final int BEGIN_TIMESTAMP_OFFSET = ENTRY_COUNT_OFFSET + 4 + 4;
    static final int END_TIMESTAMP_OFFSET = BEGIN_TIMESTAMP_OFFSET + 8;
    static final int BEGIN_PHY_OFFSET = END_TIMESTAMP_OFFSET + 8;
    static final int END_PHY_OFFSET = BEGIN_PHY_OFFSET + 8;
    static final int HEADER_CRC_OFFSET = END_PHY_OFFSET + 8;
    static final int HEADER_SIZE = HEADER_CRC_OFFSET + 4 + 4;

    static final int SLOT_SIZE = 4;
    static final int ENTRY_KEY_HASH_OFFSET = 0;
    static final int ENTRY_PHY_OFFSET = ENTRY_KEY_HASH_OFFSET + 4;
    static final int ENTRY_TIMESTAMP_OFFSET = ENTRY_PHY_OFFSET + 8;
    static final int ENTRY_PREV_OFFSET = ENTRY_TIMESTAMP_OFFSET + 8;
    static final int ENTRY_SIZE = ENTRY_PREV_OFFSET + 4;

    private final Path path;
    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final int slots;
    private final int maxEntries;
    private final int entriesAt;
    private int count;
    /** Bytes of the file known to have disk blocks (written by us); guarded by this. */
    private long allocatedTo;

    private boolean closed;
    private long beginTimestamp;
    private long endTimestamp;
    private long beginPhy;
    private long endPhy;

    private IndexFile(Path path, FileChannel channel, MappedByteBuffer map, int slots, int maxEntries) {
        this.path = path;
        this.channel = channel;
        this.map = map;
        this.slots = slots;
        this.maxEntries = maxEntries;
        this.entriesAt = HEADER_SIZE + slots * SLOT_SIZE;
    }

    /** Bytes of a file with these dimensions. */
    public static long fileSize(int slots, int maxEntries) {
        return HEADER_SIZE + (long) slots * SLOT_SIZE + (long) maxEntries * ENTRY_SIZE;
    }

    /** Entry bytes allocated at a time ahead of the writer (1 MiB: ~43 000 entries per zero write). */
    static final int ALLOCATE_AHEAD = 1 << 20;

    /**
     * Creates an empty file (sparse past the slot table, which is allocated) and writes its header; the
     * directory is synced so the new name survives a crash.
     */
    public static IndexFile create(Path path, int slots, int maxEntries, long beginPhy, long beginTimestamp) {
        return create(path, slots, maxEntries, beginPhy, beginTimestamp, FileSync.SYSTEM);
    }

    /** As {@link #create(Path, int, int, long, long)}, syncing the directory with {@code sync}. */
    public static IndexFile create(
            Path path, int slots, int maxEntries, long beginPhy, long beginTimestamp, FileSync sync) {
        IndexFile f = map(path, slots, maxEntries, true);
        try {
            sync.forceDirectory(path.toAbsolutePath().getParent());
        } catch (IOException e) {
            f.destroy();
            throw new UncheckedIOException("cannot sync the directory of new index file " + path, e);
        }
        f.count = 1;
        f.beginPhy = beginPhy;
        f.endPhy = beginPhy;
        f.beginTimestamp = beginTimestamp;
        f.endTimestamp = beginTimestamp;
        f.flush();
        return f;
    }

    /** The outcome of opening an existing file. */
    public sealed interface OpenResult {
        record Ok(IndexFile file) implements OpenResult {}

        record Corrupt(Path path, String reason) implements OpenResult {}
    }

    /** Opens an existing file, validating magic, version, dimensions and the header CRC. */
    public static OpenResult open(Path path) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (header.hasRemaining() && ch.read(header, header.position()) >= 0) {
                // read the whole header
            }
            if (header.hasRemaining()) {
                return new OpenResult.Corrupt(path, "shorter than its header");
            }
            long size = ch.size();
            header.flip();
            String bad = checkHeader(header, size);
            if (bad != null) {
                return new OpenResult.Corrupt(path, bad);
            }
        } catch (IOException e) {
            return new OpenResult.Corrupt(path, e.toString());
        }
        IndexFile f = map(path, header.getInt(SLOT_COUNT_OFFSET), header.getInt(MAX_ENTRIES_OFFSET), false);
        f.count = header.getInt(ENTRY_COUNT_OFFSET);
        f.allocatedTo = f.entriesAt + (long) f.count * ENTRY_SIZE;
        f.beginTimestamp = header.getLong(BEGIN_TIMESTAMP_OFFSET);
        f.endTimestamp = header.getLong(END_TIMESTAMP_OFFSET);
        f.beginPhy = header.getLong(BEGIN_PHY_OFFSET);
        f.endPhy = header.getLong(END_PHY_OFFSET);
        return new OpenResult.Ok(f);
    }

    private static String checkHeader(ByteBuffer h, long fileSize) {
        if (h.getInt(MAGIC_OFFSET) != MAGIC) {
            return "bad magic 0x" + Integer.toHexString(h.getInt(MAGIC_OFFSET));
        }
        if (h.getInt(VERSION_OFFSET) != VERSION) {
            return "unknown version " + h.getInt(VERSION_OFFSET);
        }
        if (h.getInt(HEADER_CRC_OFFSET) != headerCrc(h)) {
            return "header CRC mismatch";
        }
        int slots = h.getInt(SLOT_COUNT_OFFSET);
        int max = h.getInt(MAX_ENTRIES_OFFSET);
        int count = h.getInt(ENTRY_COUNT_OFFSET);
        if (slots < 1 || max < 2 || fileSize != fileSize(slots, max)) {
            return "dimensions " + slots + "x" + max + " do not match file size " + fileSize;
        }
        if (count < 1 || count > max) {
            return "entry count " + count + " outside [1, " + max + "]";
        }
        return null;
    }

    private static int headerCrc(ByteBuffer h) {
        CRC32 crc = new CRC32();
        crc.update(h.duplicate().position(0).limit(HEADER_CRC_OFFSET));
        return (int) crc.getValue();
    }

    private static IndexFile map(Path path, int slots, int maxEntries, boolean create) {
        FileChannel ch = null;
        try {
            ch = create
                    ? FileChannel.open(
                            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long size = fileSize(slots, maxEntries);
            long allocated = 0;
            if (create) {
                allocated = HEADER_SIZE + (long) slots * SLOT_SIZE;
                BlockAllocator.allocate(path, ch, 0, allocated);
                try (var raf = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                    raf.setLength(size);
                }
            }
            IndexFile f = new IndexFile(path, ch, ch.map(FileChannel.MapMode.READ_WRITE, 0, size), slots, maxEntries);
            f.allocatedTo = allocated;
            return f;
        } catch (IOException e) {
            if (create) {
                try {
                    java.nio.file.Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // best effort; a headerless file is found corrupt and deleted at the next open
                }
            }
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // abandoning the channel
                }
            }
            throw new UncheckedIOException("cannot map index file " + path, e);
        }
    }

    public Path path() {
        return path;
    }

    public synchronized boolean isFull() {
        return count >= maxEntries;
    }

    public synchronized int entryCount() {
        return count - 1;
    }

    public synchronized long beginTimestamp() {
        return beginTimestamp;
    }

    public synchronized long endTimestamp() {
        return endTimestamp;
    }

    public synchronized long beginPhy() {
        return beginPhy;
    }

    public synchronized long endPhy() {
        return endPhy;
    }

    /** The hash stored for a key. */
    public static int keyHash(String key) {
        return key.hashCode() & 0x7FFFFFFF;
    }

    /** Adds an entry; false if the file is full. */
    public synchronized boolean put(String key, long phyOffset, long storeTimestamp) {
        if (closed) {
            throw new IllegalStateException("index file " + path + " is closed");
        }
        if (count >= maxEntries) {
            return false;
        }
        int hash = keyHash(key);
        int slotAt = HEADER_SIZE + (hash % slots) * SLOT_SIZE;
        int n = count;
        int at = entriesAt + n * ENTRY_SIZE;
        ensureAllocated(at + ENTRY_SIZE);
        map.putInt(at + ENTRY_KEY_HASH_OFFSET, hash);
        map.putLong(at + ENTRY_PHY_OFFSET, phyOffset);
        map.putLong(at + ENTRY_TIMESTAMP_OFFSET, storeTimestamp);
        map.putInt(at + ENTRY_PREV_OFFSET, map.getInt(slotAt));
        map.putInt(slotAt, n);
        count = n + 1;
        if (n == 1) {
            beginTimestamp = storeTimestamp;
            beginPhy = phyOffset;
        }
        endTimestamp = storeTimestamp;
        endPhy = phyOffset;
        return true;
    }

    private void ensureAllocated(long upTo) {
        if (upTo <= allocatedTo) {
            return;
        }
        long to = Math.min(fileSize(slots, maxEntries), upTo + ALLOCATE_AHEAD);
        try {
            BlockAllocator.allocate(path, channel, Math.max(allocatedTo, upTo - ENTRY_SIZE), to);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot allocate index file " + path + " (disk full?)", e);
        }
        allocatedTo = to;
    }

    /**
     * Physical offsets of entries with the key's hash and a store time in {@code [begin, end]}, newest
     * first, appended to {@code out} until it holds {@code max}. Callers check the records themselves:
     * different keys may share a hash.
     */
    public synchronized void query(String key, long begin, long end, int max, List<Long> out) {
        if (closed) {
            return;
        }
        int hash = keyHash(key);
        int n = map.getInt(HEADER_SIZE + (hash % slots) * SLOT_SIZE);
        while (n > 0 && n < count && out.size() < max) {
            int at = entriesAt + n * ENTRY_SIZE;
            long ts = map.getLong(at + ENTRY_TIMESTAMP_OFFSET);
            if (map.getInt(at + ENTRY_KEY_HASH_OFFSET) == hash && ts >= begin && ts <= end) {
                out.add(map.getLong(at + ENTRY_PHY_OFFSET));
            }
            int prev = map.getInt(at + ENTRY_PREV_OFFSET);
            if (prev >= n) {
                break;
            }
            n = prev;
        }
    }

    /** Writes the header with its CRC and forces the file. */
    public synchronized void flush() {
        if (closed) {
            return;
        }
        map.putInt(MAGIC_OFFSET, MAGIC);
        map.putInt(VERSION_OFFSET, VERSION);
        map.putInt(SLOT_COUNT_OFFSET, slots);
        map.putInt(MAX_ENTRIES_OFFSET, maxEntries);
        map.putInt(ENTRY_COUNT_OFFSET, count);
        map.putInt(ENTRY_COUNT_OFFSET + 4, 0);
        map.putLong(BEGIN_TIMESTAMP_OFFSET, beginTimestamp);
        map.putLong(END_TIMESTAMP_OFFSET, endTimestamp);
        map.putLong(BEGIN_PHY_OFFSET, beginPhy);
        map.putLong(END_PHY_OFFSET, endPhy);
        map.putInt(HEADER_CRC_OFFSET, headerCrc(map));
        map.putInt(HEADER_CRC_OFFSET + 4, 0);
        map.force();
    }

    /**
     * Recovery: keeps only entries below {@code phyLimit} (of those the header counts), then rebuilds
     * the slot table from them, which drops links to entries written after the last flush.
     */
    public synchronized void truncateFrom(long phyLimit) {
        if (closed) {
            return;
        }
        int n = count;
        while (n > 1 && map.getLong(entriesAt + (n - 1) * ENTRY_SIZE + ENTRY_PHY_OFFSET) >= phyLimit) {
            n--;
        }
        count = n;
        if (n > 1) {
            int last = entriesAt + (n - 1) * ENTRY_SIZE;
            endPhy = map.getLong(last + ENTRY_PHY_OFFSET);
            endTimestamp = map.getLong(last + ENTRY_TIMESTAMP_OFFSET);
        } else {
            endPhy = beginPhy;
            endTimestamp = beginTimestamp;
        }
        rebuildSlots();
        flush();
    }

    private void rebuildSlots() {
        for (int at = HEADER_SIZE; at < entriesAt; at += SLOT_SIZE) {
            map.putInt(at, 0);
        }
        for (int n = 1; n < count; n++) {
            int at = entriesAt + n * ENTRY_SIZE;
            int slotAt = HEADER_SIZE + (map.getInt(at + ENTRY_KEY_HASH_OFFSET) % slots) * SLOT_SIZE;
            map.putInt(at + ENTRY_PREV_OFFSET, map.getInt(slotAt));
            map.putInt(slotAt, n);
        }
    }

    /**
     * Releases the mapping (the file stays). Every method that touches the mapping holds this file's
     * monitor and checks {@code closed}, so unmapping here cannot race a query.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing on shutdown
        }
        io.rocketkube.store.file.Unmapper.unmap(map);
    }

    /** Deletes the file. */
    public synchronized void destroy() {
        close();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
