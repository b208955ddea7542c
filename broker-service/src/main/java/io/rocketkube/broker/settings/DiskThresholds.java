package io.rocketkube.broker.settings;

/**
 * RocketMQ's three disk thresholds, in percent of the store's file system in use (counting space other users
 * take: the store is often not alone on its disk):
 *
 * <ul>
 *   <li>above {@code cleanExpiredPercent} (75, {@code diskMaxUsedSpaceRatio}) expired CommitLog segments are
 *       deleted at any hour, not only at the delete hour;
 *   <li>above {@code cleanForciblyPercent} (85, {@code diskSpaceCleanForciblyRatio}) the oldest segments are
 *       deleted whatever their age, unconsumed messages included;
 *   <li>above {@code fullPercent} (90, {@code diskSpaceWarningLevelRatio}) sends are refused with
 *       SERVICE_NOT_AVAILABLE, "the broker's disk is full"; 100 turns the gate off.
 * </ul>
 */
public record DiskThresholds(int cleanExpiredPercent, int cleanForciblyPercent, int fullPercent) {
    public DiskThresholds {
        check("disk-max-used-space-ratio", cleanExpiredPercent);
        check("disk-space-clean-forcibly-ratio", cleanForciblyPercent);
        check("disk-space-warning-level-ratio", fullPercent);
    }

    /** The packaged broker's defaults, as {@link BrokerConfig} writes them. */
    public static DiskThresholds defaults() {
        return BrokerSettings.defaults().disk();
    }

    private static void check(String key, int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException(key + " must be 1..100, was " + percent);
        }
    }
}
