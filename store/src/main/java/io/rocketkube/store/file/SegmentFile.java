package io.rocketkube.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fixed-size file of a segmented log, named by its 20-digit zero-padded start offset (e.g.
 * {@code 00000000001073741824}), as both the CommitLog and the ConsumeQueue name theirs.
 *
 * <p>The whole file is mapped read-write once. Callers may write either through the mapping
 * ({@link #mapped()}: ConsumeQueue, index) or through the channel ({@link #write}: CommitLog, see its
 * class comment for why); on Linux both go through the same page cache, so reads of the mapping see
 * channel writes at once. The file is created sparse ({@code setLength}), so an unused segment costs no
 * disk blocks.
 *
 * <p><b>Lifetime.</b> A reference count guards the mapping: the owner holds one, each reader that hands
 * out slices {@link #retain()}s one. {@link #destroy()} deletes the file at once and drops the owner's
 * reference; the mapping is released when the last reference goes.
 *
 * <p>Thread-safety: {@link #write}, {@link #forceData} and the reference counting are thread-safe;
 * writers coordinate positions among themselves.
 */
public final class SegmentFile {

    /** Length of the zero-padded decimal start offset in a file name. */
    public static final int NAME_LENGTH = 20;

    private final Path path;
    private final long start;
    private final int size;
    private final FileChannel channel;
    private final MappedByteBuffer mapped;

    private final FileSync sync;
    private final AtomicInteger refs = new AtomicInteger(1);
    private volatile boolean destroyed;
    /** Bytes below this (from the position allocation started at) have disk blocks; guarded by this. */
    private volatile int allocatedTo;

    private SegmentFile(Path path, long start, int size, FileChannel channel, MappedByteBuffer mapped, FileSync sync) {
        this.path = path;
        this.start = start;
        this.size = size;
        this.channel = channel;
        this.mapped = mapped;
        this.sync = sync;
    }

    /** The file name for a segment starting at {@code start}. */
    public static String fileName(long start) {
        return String.format("%0" + NAME_LENGTH + "d", start);
    }

    /** Parses a segment file name; -1 if it is not one. */
    public static long parseStart(String name) {
        if (name.length() != NAME_LENGTH) {
            return -1;
        }
        for (int i = 0; i < NAME_LENGTH; i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(name);
    }

    /** Creates (or reopens, keeping its bytes) the segment of {@code size} bytes starting at {@code start}. */
    public static SegmentFile open(Path dir, long start, int size) {
        return open(dir, start, size, FileSync.SYSTEM, false);
    }

    /**
     * Creates (or reopens, keeping its bytes) the segment of {@code size} bytes starting at {@code start}.
     * A created file has its directory synced and, if {@code allocateIfCreated}, all its blocks allocated
     * before it is mapped.
     *
     * @throws UncheckedIOException if the file cannot be created, allocated (disk full) or mapped; a file
     *                              this call created is deleted again then
     */
    public static SegmentFile open(Path dir, long start, int size, FileSync sync, boolean allocateIfCreated) {
        Path path = dir.resolve(fileName(start));
        FileChannel ch = null;
        boolean created = false;
        try {
            FileSync.createDirectories(dir, sync);
            try {
                ch = FileChannel.open(
                        path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
                created = true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            if (created && allocateIfCreated) {
                BlockAllocator.allocate(path, ch, 0, size);
            }
            if (ch.size() != size) {
                if (ch.size() > size) {
                    throw new IOException(path + " is " + ch.size() + " bytes, larger than the segment size " + size);
                }
                try (var raf = new java.io.RandomAccessFile(path.toFile(), "rw")) {
                    raf.setLength(size);
                }
            }
            if (created) {
                sync.forceDirectory(dir);
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
            SegmentFile f = new SegmentFile(path, start, size, ch, map, sync);
            f.allocatedTo = created && allocateIfCreated ? size : 0;
            return f;
        } catch (IOException e) {
            closeQuietly(ch);
            if (created) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // Best effort: a leftover empty segment is zero-filled and read as the end of data.
                }
            }
            throw new UncheckedIOException("cannot open segment " + path, e);
        }
    }

    /**
     * Allocates disk blocks for {@code [max(from, allocated end), upTo)} ({@link BlockAllocator}), so a later mapped write there cannot fault on a full disk. {@code from} must be at or
     * past every byte of data in the file (the write position): zeros are never written below it.
     *
     * @throws IOException on a full disk (nothing below the old allocated end is touched)
     */
    public synchronized void allocate(int from, int upTo) throws IOException {
        int to = Math.min(upTo, size);
        int at = Math.max(from, allocatedTo);
        if (at >= to) {
            return;
        }
        BlockAllocator.allocate(path, channel, at, to);
        allocatedTo = to;
    }

    /** Whether {@code [position, position + length)} is known to be allocated by {@link #allocate}. */
    public boolean isAllocated(int position, int length) {
        return (long) position + length <= allocatedTo;
    }

    public Path path() {
        return path;
    }
    /** First offset this segment holds. */
    public long start() {
        return start;
    }
    /** Offset just past this segment. */
    public long end() {
        return start + size;
    }

    public int size() {
        return size;
    }

    /** Whether {@code offset} falls inside this segment. */
    public boolean contains(long offset) {
        return offset >= start && offset < start + size;
    }

    /**
     * The whole mapping, for absolute reads and (ConsumeQueue, index) writes. Never change its position
     * or limit; use {@code duplicate()} or absolute methods.
     */
    public MappedByteBuffer mapped() {
        return mapped;
    }

    /** A read-only view of {@code [position, position + length)} of this segment. */
    public ByteBuffer slice(int position, int length) {
        return mapped.slice(position, length).asReadOnlyBuffer();
    }

    /** Writes all of {@code src} at {@code position} within the segment through the channel. */
    public void write(ByteBuffer src, int position) throws IOException {
        if (position < 0 || (long) position + src.remaining() > size) {
            throw new IllegalArgumentException(
                    "write of " + src.remaining() + " bytes at " + position + " overruns segment of " + size);
        }
        long pos = position;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    /**
     * Copies all of {@code src} into the mapping at {@code position}. Cheaper than {@link #write} for
     * small appends (a memory copy instead of a syscall), and as durable after {@link #forceData}, because
     * the mapping and the channel share the page cache.
     */
    public void writeMapped(ByteBuffer src, int position) {
        if (position < 0 || (long) position + src.remaining() > size) {
            throw new IllegalArgumentException(
                    "write of " + src.remaining() + " bytes at " + position + " overruns segment of " + size);
        }
        int length = src.remaining();
        mapped.put(position, src, src.position(), length);
        src.position(src.position() + length);
    }

    /** {@code fdatasync}: every byte written so far, through channel or mapping, is durable on return. */
    public void forceData() throws IOException {
        sync.forceData(channel, path);
    }

    /** {@code msync} of a range of the mapping. */
    public void forceMapped(int position, int length) {
        mapped.force(position, length);
    }

    /** Zeroes {@code [from, size)} by truncating and re-extending the file (no blocks stay allocated). */
    public void zeroFrom(int from) throws IOException {
        synchronized (this) {
            allocatedTo = Math.min(allocatedTo, from);
        }
        channel.truncate(from);
        try (var raf = new java.io.RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(size);
        }
        channel.force(true);
    }

    /** Takes a reference so the mapping outlives a concurrent {@link #destroy()}; false if already gone. */
    public boolean retain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one releases the mapping. */
    public void release() {
        if (refs.decrementAndGet() == 0) {
            closeQuietly(channel);
            Unmapper.unmap(mapped);
        }
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    /** Deletes the file and drops the owner's reference. Idempotent. */
    public void destroy() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        } finally {
            release();
        }
    }

    /** Drops the owner's reference without deleting the file (store shutdown). */
    public void close() {
        synchronized (this) {
            if (destroyed) {
                return;
            }
            destroyed = true;
        }
        release();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing a channel we are abandoning; nothing to recover.
            }
        }
    }

    @Override
    public String toString() {
        return "Segment[" + path.getFileName() + ", " + size + " bytes]";
    }
}
