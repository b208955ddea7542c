package io.rocketkube.store.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The ordered segments of one log directory, all of one size, each starting where the previous ends.
 *
 * <p>Thread-safety: lookups are lock-free and may run concurrently with {@link #create} (by the single
 * writer) and {@link #deleteFirst} (by retention).
 */
public final class SegmentList {

    private final Path dir;
    private final int segmentSize;
    private final FileSync sync;
    private final boolean allocateNew;
    private final ConcurrentSkipListMap<Long, SegmentFile> segments = new ConcurrentSkipListMap<>();

    private SegmentList(Path dir, int segmentSize, FileSync sync, boolean allocateNew) {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.sync = sync;
        this.allocateNew = allocateNew;
    }

    /** {@link #open(Path, int, FileSync, boolean)} with the system sync and sparse new segments. */
    public static SegmentList open(Path dir, int segmentSize) {
        return open(dir, segmentSize, FileSync.SYSTEM, false);
    }

    /**
     * Opens every segment file in {@code dir} (creating the directory). Files whose names are not
     * segment names are ignored.
     *
     * @throws IllegalStateException if a file is too large, or a start offset is not a multiple
     *                               of the segment size. A shorter file (cut by something else than
     *                               us) is extended with zeros, which recovery then reads as the end of data.
     * @param sync        how segments are synced ({@link SegmentFile#forceData()}, new files' directory)
     * @param allocateNew whether segments this list creates get all their blocks allocated up front
     *                    (written through the mapping anywhere: ConsumeQueue)
     */
    public static SegmentList open(Path dir, int segmentSize, FileSync sync, boolean allocateNew) {
        SegmentList list = new SegmentList(dir, segmentSize, sync, allocateNew);
        try {
            FileSync.createDirectories(dir, sync);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    long start = SegmentFile.parseStart(p.getFileName().toString());
                    if (start < 0) {
                        continue;
                    }
                    if (start % segmentSize != 0) {
                        throw new IllegalStateException(
                                p + ": start offset is not a multiple of the segment size " + segmentSize);
                    }
                    long length = Files.size(p);
                    if (length > segmentSize) {
                        throw new IllegalStateException(
                                p + " is " + length + " bytes, larger than the segment size " + segmentSize);
                    }
                    list.segments.put(start, SegmentFile.open(dir, start, segmentSize, sync, false));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return list;
    }

    public Path dir() {
        return dir;
    }

    public int segmentSize() {
        return segmentSize;
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    public int count() {
        return segments.size();
    }

    /** The segment holding {@code offset}, or null. */
    public SegmentFile find(long offset) {
        Map.Entry<Long, SegmentFile> e = segments.floorEntry(offset);
        if (e == null || !e.getValue().contains(offset)) {
            return null;
        }
        return e.getValue();
    }

    public SegmentFile first() {
        Map.Entry<Long, SegmentFile> e = segments.firstEntry();
        return e == null ? null : e.getValue();
    }

    public SegmentFile last() {
        Map.Entry<Long, SegmentFile> e = segments.lastEntry();
        return e == null ? null : e.getValue();
    }

    /** Segments in offset order (a snapshot). */
    public List<SegmentFile> all() {
        return new ArrayList<>(segments.values());
    }

    /** The segment starting at {@code start} (a multiple of the segment size), created if missing. */
    public SegmentFile getOrCreate(long start) {
        if (start % segmentSize != 0) {
            throw new IllegalArgumentException("segment start " + start + " is not a multiple of " + segmentSize);
        }
        SegmentFile existing = segments.get(start);
        if (existing != null) {
            return existing;
        }
        SegmentFile created = SegmentFile.open(dir, start, segmentSize, sync, allocateNew);
        SegmentFile raced = segments.putIfAbsent(start, created);
        if (raced != null) {
            created.close();
            return raced;
        }
        return created;
    }

    /** Start of the segment that holds {@code offset}. */
    public long segmentStartOf(long offset) {
        return offset - Math.floorMod(offset, (long) segmentSize);
    }

    /** Deletes the first segment (retention). */
    public void deleteFirst() {
        Map.Entry<Long, SegmentFile> e = segments.pollFirstEntry();
        if (e != null) {
            e.getValue().destroy();
        }
    }

    /** Deletes every segment starting at or after {@code start} (recovery truncation). */
    public void deleteFrom(long start) {
        for (Long s : new ArrayList<>(segments.tailMap(start, true).keySet())) {
            SegmentFile f = segments.remove(s);
            if (f != null) {
                f.destroy();
            }
        }
    }

    /**
     * Removes the segment starting at {@code start} from the list and drops the owner's reference,
     * leaving the file where it is (recovery moves it to quarantine); null if there is none.
     */
    public Path detach(long start) {
        SegmentFile f = segments.remove(start);
        if (f == null) {
            return null;
        }
        f.close();
        return f.path();
    }

    /** Deletes everything (topic deletion). */
    public void deleteAll() {
        deleteFrom(Long.MIN_VALUE);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // A non-empty dir (foreign files) stays; our segments are gone.
        }
    }

    /** Drops the owner's references without deleting (shutdown). */
    public void close() {
        for (SegmentFile f : segments.values()) {
            f.close();
        }
        segments.clear();
    }
}
