package io.rocketkube.store;

import io.rocketkube.store.file.FileSync;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the store is told from outside, fixed at open time. Build with {@link #builder(Path)}; the
 * defaults are the reference broker's (docs/protocol.md §7).
 *
 * @param dataDir                   root directory; the store owns everything under it
 * @param commitLogSegmentSize      bytes per CommitLog segment file (1 GiB)
 * @param flushMode                 {@link FlushMode}
 * @param flushInterval             ASYNC_FLUSH: how often the background flush looks at dirty bytes (500 ms)
 * @param flushLeastPages           ASYNC_FLUSH: flush only once this many 4 KiB pages are dirty (4) ...
 * @param flushThoroughInterval     ... or once this long has passed since the last flush (10 s)
 * @param syncFlushTimeout          SYNC_FLUSH: answer FLUSH_DISK_TIMEOUT after this long (5 s)
 * @param consumeQueueEntriesPerFile 20-byte entries per ConsumeQueue file (300 000)
 * @param checkpointInterval        how often indexes are flushed and the checkpoint advanced (1 s)
 * @param indexSlots                hash slots per IndexFile (5 000 000)
 * @param indexMaxEntries           entries per IndexFile before a new one starts (20 000 000)
 * @param fileReservedHours         CommitLog segments older than this are deleted (72)
 * @param deleteWhenHour            hour of day (in the clock's zone) at which expired segments go (4)
 * @param diskCleanExpiredPercent  above this disk usage, expired segments go at any hour, not only at the delete
 *                                  hour (75, RocketMQ's {@code diskMaxUsedSpaceRatio})
 * @param diskCleanForciblyPercent  above this disk usage, the oldest segments go whatever their age (85,
 *                                  RocketMQ's {@code diskSpaceCleanForciblyRatio})
 * @param diskFullPercent           write gate: above this percentage of the data directory's file system in use,
 *                                  appends are refused with {@link PutStatus#DISK_FULL} (90, RocketMQ's
 *                                  {@code diskSpaceWarningLevelRatio}; 100 turns the gate off). The three
 *                                  thresholds are RocketMQ's: on a disk shared with other users, a broker first
 *                                  deletes what it would delete anyway, then gives up unconsumed data, and only
 *                                  last refuses writes
 * @param retentionCheckInterval    how often retention runs (10 s)
 * @param maxMessageSize            largest record accepted, in bytes (4 MiB)
 * @param prefaultLeadBytes         ASYNC_FLUSH: how far ahead of the write position a background thread
 *                                  pre-faults the CommitLog mapping (16 MiB; 0 turns it off)
 * @param storeHost                 the broker's client-facing address, written into every record
 * @param clock                     the store time source (store timestamps, retention)
 * @param fileSync                  how files and directories are synced ({@code FileSync.SYSTEM}; a seam)
 */
public record StoreConfig(
        Path dataDir,
        int commitLogSegmentSize,
        FlushMode flushMode,
        Duration flushInterval,
        int flushLeastPages,
        Duration flushThoroughInterval,
        Duration syncFlushTimeout,
        int consumeQueueEntriesPerFile,
        Duration checkpointInterval,
        int indexSlots,
        int indexMaxEntries,
        int fileReservedHours,
        int deleteWhenHour,
        int diskCleanExpiredPercent,
        int diskCleanForciblyPercent,
        Duration retentionCheckInterval,
        int maxMessageSize,
        long prefaultLeadBytes,
        InetSocketAddress storeHost,
        Clock clock,
        int diskFullPercent,
        FileSync fileSync) {

    public static final int DEFAULT_SEGMENT_SIZE = 1 << 30;

    public StoreConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(flushMode, "flushMode");
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(flushThoroughInterval, "flushThoroughInterval");
        Objects.requireNonNull(syncFlushTimeout, "syncFlushTimeout");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(retentionCheckInterval, "retentionCheckInterval");
        Objects.requireNonNull(storeHost, "storeHost");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(fileSync, "fileSync");
        if (storeHost.getAddress() == null) {
            throw new IllegalArgumentException("storeHost must be a resolved address: " + storeHost);
        }
        require(maxMessageSize >= 256, "maxMessageSize must be at least 256");
        require(commitLogSegmentSize >= 4096, "commitLogSegmentSize must be at least 4096");
        require(
                commitLogSegmentSize >= maxMessageSize + 8L,
                "commitLogSegmentSize must hold the largest message plus a blank filler");
        require(flushLeastPages >= 0, "flushLeastPages must be >= 0");
        require(prefaultLeadBytes >= 0, "prefaultLeadBytes must be >= 0");
        require(consumeQueueEntriesPerFile >= 1, "consumeQueueEntriesPerFile must be >= 1");
        require(indexSlots >= 1, "indexSlots must be >= 1");
        require(indexMaxEntries >= 2, "indexMaxEntries must be >= 2");
        require(fileReservedHours >= 0, "fileReservedHours must be >= 0");
        require(deleteWhenHour >= 0 && deleteWhenHour <= 23, "deleteWhenHour must be 0..23");
        requirePercent(diskFullPercent, "diskFullPercent");
        requirePercent(diskCleanExpiredPercent, "diskCleanExpiredPercent");
        requirePercent(diskCleanForciblyPercent, "diskCleanForciblyPercent");
        requirePositive(flushInterval, "flushInterval");
        requirePositive(flushThoroughInterval, "flushThoroughInterval");
        requirePositive(syncFlushTimeout, "syncFlushTimeout");
        requirePositive(checkpointInterval, "checkpointInterval");
        requirePositive(retentionCheckInterval, "retentionCheckInterval");
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        Builder b = new Builder(dataDir);
        b.commitLogSegmentSize = commitLogSegmentSize;
        b.flushMode = flushMode;
        b.flushInterval = flushInterval;
        b.flushLeastPages = flushLeastPages;
        b.flushThoroughInterval = flushThoroughInterval;
        b.syncFlushTimeout = syncFlushTimeout;
        b.consumeQueueEntriesPerFile = consumeQueueEntriesPerFile;
        b.checkpointInterval = checkpointInterval;
        b.indexSlots = indexSlots;
        b.indexMaxEntries = indexMaxEntries;
        b.fileReservedHours = fileReservedHours;
        b.deleteWhenHour = deleteWhenHour;
        b.diskCleanExpiredPercent = diskCleanExpiredPercent;
        b.diskCleanForciblyPercent = diskCleanForciblyPercent;
        b.retentionCheckInterval = retentionCheckInterval;
        b.maxMessageSize = maxMessageSize;
        b.prefaultLeadBytes = prefaultLeadBytes;
        b.storeHost = storeHost;
        b.clock = clock;
        b.diskFullPercent = diskFullPercent;
        b.fileSync = fileSync;
        return b;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requirePercent(int percent, String name) {
        require(percent >= 1 && percent <= 100, name + " must be 1..100");
    }

    private static void requirePositive(Duration d, String name) {
        require(!d.isNegative() && !d.isZero(), name + " must be positive");
    }

    /** Mutable builder; not thread-safe. */
    public static final class Builder {
        private final Path dataDir;
        private int commitLogSegmentSize = DEFAULT_SEGMENT_SIZE;
        private FlushMode flushMode = FlushMode.ASYNC_FLUSH;
        private Duration flushInterval = Duration.ofMillis(500);
        private int flushLeastPages = 4;
        private Duration flushThoroughInterval = Duration.ofSeconds(10);
        private Duration syncFlushTimeout = Duration.ofSeconds(5);
        private int consumeQueueEntriesPerFile = 300_000;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private int indexSlots = 5_000_000;
        private int indexMaxEntries = 20_000_000;
        private int fileReservedHours = 72;
        private int deleteWhenHour = 4;
        private int diskCleanExpiredPercent = 75;
        private int diskCleanForciblyPercent = 85;
        private Duration retentionCheckInterval = Duration.ofSeconds(10);
        private int maxMessageSize = 4 * 1024 * 1024;
        private long prefaultLeadBytes = 16L << 20;
        private InetSocketAddress storeHost = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 10911);
        private Clock clock = Clock.systemDefaultZone();
        private int diskFullPercent = 90;
        private FileSync fileSync = FileSync.SYSTEM;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder commitLogSegmentSize(int v) {
            commitLogSegmentSize = v;
            return this;
        }

        public Builder flushMode(FlushMode v) {
            flushMode = v;
            return this;
        }

        public Builder flushInterval(Duration v) {
            flushInterval = v;
            return this;
        }

        public Builder flushLeastPages(int v) {
            flushLeastPages = v;
            return this;
        }

        public Builder flushThoroughInterval(Duration v) {
            flushThoroughInterval = v;
            return this;
        }

        public Builder syncFlushTimeout(Duration v) {
            syncFlushTimeout = v;
            return this;
        }

        public Builder consumeQueueEntriesPerFile(int v) {
            consumeQueueEntriesPerFile = v;
            return this;
        }

        public Builder checkpointInterval(Duration v) {
            checkpointInterval = v;
            return this;
        }

        public Builder indexSlots(int v) {
            indexSlots = v;
            return this;
        }

        public Builder indexMaxEntries(int v) {
            indexMaxEntries = v;
            return this;
        }

        public Builder fileReservedHours(int v) {
            fileReservedHours = v;
            return this;
        }

        public Builder deleteWhenHour(int v) {
            deleteWhenHour = v;
            return this;
        }

        public Builder diskCleanExpiredPercent(int v) {
            diskCleanExpiredPercent = v;
            return this;
        }

        public Builder diskCleanForciblyPercent(int v) {
            diskCleanForciblyPercent = v;
            return this;
        }

        public Builder retentionCheckInterval(Duration v) {
            retentionCheckInterval = v;
            return this;
        }

        public Builder maxMessageSize(int v) {
            maxMessageSize = v;
            return this;
        }

        public Builder prefaultLeadBytes(long v) {
            prefaultLeadBytes = v;
            return this;
        }

        public Builder storeHost(InetSocketAddress v) {
            storeHost = v;
            return this;
        }

        public Builder clock(Clock v) {
            clock = v;
            return this;
        }

        public Builder diskFullPercent(int v) {
            diskFullPercent = v;
            return this;
        }

        public Builder fileSync(FileSync v) {
            fileSync = v;
            return this;
        }

        public StoreConfig build() {
            return new StoreConfig(
                    dataDir,
                    commitLogSegmentSize,
                    flushMode,
                    flushInterval,
                    flushLeastPages,
                    flushThoroughInterval,
                    syncFlushTimeout,
                    consumeQueueEntriesPerFile,
                    checkpointInterval,
                    indexSlots,
                    indexMaxEntries,
                    fileReservedHours,
                    deleteWhenHour,
                    diskCleanExpiredPercent,
                    diskCleanForciblyPercent,
                    retentionCheckInterval,
                    maxMessageSize,
                    prefaultLeadBytes,
                    storeHost,
                    clock,
                    diskFullPercent,
                    fileSync);
        }
    }
}
