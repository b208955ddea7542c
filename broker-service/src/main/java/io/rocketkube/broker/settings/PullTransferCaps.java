package io.rocketkube.broker.settings;

import java.lang.management.ManagementFactory;

/**
 * How much one pull answer may carry: RocketMQ's {@code maxTransferCountOnMessageInMemory} (32) and
 * {@code maxTransferBytesOnMessageInMemory} (256 KiB) while the messages are likely in the page cache,
 * and 8 messages / 64 KiB once they are likely only on disk, so that a consumer far behind cannot make
 * the broker read large amounts from disk per request. Clients and tools are written against these caps.
 *
 * <p>"On disk" is the reference's rule ({@code checkInDiskByCommitOffset}): a message is on disk when more
 * than {@code inMemoryMaxRatioPercent} % of the machine's physical memory has been written to the CommitLog
 * after it. The reference applies the rule message by message; we apply it to the first message of the
 * answer, which decides the same for every answer that does not straddle the boundary.
 *
 * @param physicalMemoryBytes the memory the ratio is taken of: the machine's (its container's) by default,
 *                            configurable for tests and for pods whose page cache is smaller
 */
public record PullTransferCaps(
        int maxCountInMemory,
        int maxBytesInMemory,
        int maxCountOnDisk,
        int maxBytesOnDisk,
        int inMemoryMaxRatioPercent,
        long physicalMemoryBytes) {

    public PullTransferCaps {
        if (maxCountInMemory < 1 || maxBytesInMemory < 1 || maxCountOnDisk < 1 || maxBytesOnDisk < 1) {
            throw new IllegalArgumentException("pull transfer caps must be >= 1");
        }
        if (inMemoryMaxRatioPercent < 0 || inMemoryMaxRatioPercent > 100 || physicalMemoryBytes < 0) {
            throw new IllegalArgumentException("access-message-in-memory-max-ratio must be within [0, 100]");
        }
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static PullTransferCaps defaults() {
        return BrokerSettings.defaults().pullCaps();
    }

    public PullTransferCaps withPhysicalMemoryBytes(long bytes) {
        return new PullTransferCaps(
                maxCountInMemory, maxBytesInMemory, maxCountOnDisk, maxBytesOnDisk, inMemoryMaxRatioPercent, bytes);
    }

    /** Whether the record at {@code physicalOffset} is likely no longer in memory. */
    public boolean onDisk(long maxPhysicalOffset, long physicalOffset) {
        return maxPhysicalOffset - physicalOffset > physicalMemoryBytes / 100 * inMemoryMaxRatioPercent;
    }

    /** The total memory the JVM sees (a container's limit inside one). */
    public static long totalPhysicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
