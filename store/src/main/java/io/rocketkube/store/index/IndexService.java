package io.rocketkube.store.index;

import io.rocketkube.client.message.MessageSysFlag;
import io.rocketkube.store.commitlog.DispatchRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key index: a sequence of {@link IndexFile}s, a new one started when the last is full. Files are
 * named {@code <20-digit physical offset of their first entry>.idx}, so names sort in log order.
 *
 * <p>Per message it indexes {@code topic#key} for each business key and {@code topic#uniqKey}
 * (docs/protocol.md §7.4); ROLLBACK records are not indexed.
 *
 * <p>Threading: {@link #dispatch} from the dispatcher only; queries from any thread.
 */
public final class IndexService {

    private static final Logger LOG = LoggerFactory.getLogger(IndexService.class);
    private static final String SUFFIX = ".idx";

    private final Path dir;
    private final int slots;
    private final int maxEntries;
    private final CopyOnWriteArrayList<IndexFile> files = new CopyOnWriteArrayList<>();
    /** The lowest physical offset an index file found corrupt at open needs re-indexed from; MAX if none. */
    private long rebuildFrom = Long.MAX_VALUE;

    private final io.rocketkube.store.file.FileSync sync;

    private IndexService(Path dir, int slots, int maxEntries, io.rocketkube.store.file.FileSync sync) {
        this.sync = sync;
        this.dir = dir;
        this.slots = slots;
        this.maxEntries = maxEntries;
    }

    /**
     * Opens the files in {@code dir}. A file whose header fails validation is deleted, and
     * {@link #rebuildFrom()} tells recovery where re-indexing must start.
     */
    public static IndexService open(Path dir, int slots, int maxEntries) {
        return open(dir, slots, maxEntries, io.rocketkube.store.file.FileSync.SYSTEM, from -> {});
    }

    /**
     * As {@link #open(Path, int, int)}; {@code sync} syncs the directory of each new file, and
     * {@code beforeDiscard} is told the rebuild offset before any corrupt file is deleted, so the caller
     * can first record durably that re-indexing from there is owed (once the files are gone, nothing
     * else remembers it).
     */
    public static IndexService open(
            Path dir,
            int slots,
            int maxEntries,
            io.rocketkube.store.file.FileSync sync,
            java.util.function.LongConsumer beforeDiscard) {
        IndexService s = new IndexService(dir, slots, maxEntries, sync);
        List<Path> paths = new ArrayList<>();
        List<Path> corrupt = new ArrayList<>();
        try {
            io.rocketkube.store.file.FileSync.createDirectories(dir, sync);
            try (Stream<Path> list = Files.list(dir)) {
                list.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                        .sorted()
                        .forEach(paths::add);
            }
            for (Path p : paths) {
                IndexFile.OpenResult r = IndexFile.open(p);
                if (r instanceof IndexFile.OpenResult.Ok ok) {
                    s.files.add(ok.file());
                } else if (r instanceof IndexFile.OpenResult.Corrupt bad) {
                    LOG.warn(
                            "index file {} is corrupt ({}); deleting it and re-indexing from its first offset",
                            p,
                            bad.reason());
                    s.rebuildFrom = Math.min(s.rebuildFrom, parseStart(p));
                    corrupt.add(p);
                }
            }
            if (!corrupt.isEmpty()) {
                beforeDiscard.accept(s.rebuildFrom);
            }
            for (Path p : corrupt) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open index files in " + dir, e);
        }
        if (s.rebuildFrom != Long.MAX_VALUE) {
            s.truncateFrom(s.rebuildFrom);
        }
        return s;
    }

    /** Where re-indexing must start because a file was corrupt; {@code Long.MAX_VALUE} if none was. */
    public long rebuildFrom() {
        return rebuildFrom;
    }

    public void dispatch(DispatchRequest r) {
        if (MessageSysFlag.transactionType(r.sysFlag()) == MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) {
            return;
        }
        String prefix = r.topic() + "#";
        for (String key : r.keys()) {
            if (!key.isEmpty()) {
                put(prefix + key, r);
            }
        }
        if (r.uniqKey() != null && !r.uniqKey().isEmpty()) {
            put(prefix + r.uniqKey(), r);
        }
    }

    private void put(String key, DispatchRequest r) {
        IndexFile last = files.isEmpty() ? null : files.get(files.size() - 1);
        if (last == null || !last.put(key, r.physicalOffset(), r.storeTimestamp())) {
            if (last != null) {
                last.flush();
            }
            last = IndexFile.create(
                    freshPath(r.physicalOffset()), slots, maxEntries, r.physicalOffset(), r.storeTimestamp(), sync);
            files.add(last);
            if (!last.put(key, r.physicalOffset(), r.storeTimestamp())) {
                throw new IllegalStateException("a fresh index file refused an entry");
            }
        }
    }

    /**
     * Physical offsets of records indexed under {@code topic#key} with a store time in
     * {@code [begin, end]}, newest first, without duplicates, at most {@code max}.
     */
    public List<Long> query(String topic, String key, int max, long begin, long end) {
        String k = topic + "#" + key;
        LinkedHashSet<Long> found = new LinkedHashSet<>();
        List<Long> batch = new ArrayList<>();
        for (int i = files.size() - 1; i >= 0 && found.size() < max; i--) {
            IndexFile f = files.get(i);
            if (f.entryCount() == 0 || f.endTimestamp() < begin || f.beginTimestamp() > end) {
                continue;
            }
            batch.clear();
            f.query(k, begin, end, max, batch);
            for (Long phy : batch) {
                if (found.size() < max) {
                    found.add(phy);
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** Store time and physical offset of the newest entry (QUERY_MESSAGE response header). */
    public long lastUpdateTimestamp() {
        return files.isEmpty() ? 0 : files.get(files.size() - 1).endTimestamp();
    }

    public long lastUpdatePhyOffset() {
        return files.isEmpty() ? 0 : files.get(files.size() - 1).endPhy();
    }

    public void flush() {
        if (!files.isEmpty()) {
            files.get(files.size() - 1).flush();
        }
    }

    /** Recovery: drops entries at or past {@code phyLimit}; whole files that start there go. */
    public void truncateFrom(long phyLimit) {
        for (int i = files.size() - 1; i >= 0; i--) {
            IndexFile f = files.get(i);
            if (f.beginPhy() >= phyLimit) {
                files.remove(i);
                f.destroy();
            } else {
                f.truncateFrom(phyLimit);
                break;
            }
        }
    }

    /** Retention: deletes files whose every entry points below {@code commitLogMinOffset}. */
    public void dropBefore(long commitLogMinOffset) {
        while (files.size() > 1 && files.get(0).endPhy() < commitLogMinOffset) {
            files.remove(0).destroy();
        }
    }

    public void close() {
        for (IndexFile f : files) {
            f.flush();
            f.close();
        }
        files.clear();
    }

    /** {@code <phy>.idx}, or {@code <phy>_<n>.idx} when one record's keys filled a whole file. */
    private Path freshPath(long phy) {
        String base = String.format("%020d", phy);
        Path p = dir.resolve(base + SUFFIX);
        for (int n = 1; Files.exists(p); n++) {
            p = dir.resolve(base + "_" + n + SUFFIX);
        }
        return p;
    }

    private static long parseStart(Path p) {
        String n = p.getFileName().toString();
        int end = n.indexOf('_') >= 0 ? n.indexOf('_') : n.length() - SUFFIX.length();
        try {
            return Long.parseLong(n.substring(0, end));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
