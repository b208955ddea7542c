package io.rocketkube.store.recovery;

/**
 * The steps of opening (recovery) and closing the store between which a crash leaves a distinct state
 * on disk. Production code passes {@link Hook#NONE}; tests throw at a point to simulate a crash there,
 * or block to force an interleaving, and reopen to check that nothing acknowledged was lost.
 */
public enum CrashPoint {
    /** Open: the abort marker exists, recovery has not started. */
    OPEN_AFTER_MARKER,
    /** Repair: data past the valid end is in quarantine, the commit log not yet cut. */
    REPAIR_AFTER_QUARANTINE,
    /** Repair: the commit log is cut at the valid end. */
    REPAIR_AFTER_COMMITLOG_TRUNCATED,
    /** Repair: ConsumeQueue entries from the scan start are cut. */
    REPAIR_AFTER_QUEUES_TRUNCATED,
    /** Repair: index entries from the scan start are cut. */
    REPAIR_AFTER_INDEX_TRUNCATED,
    /** Repair: the scanned records are dispatched again, nothing flushed yet. */
    REPAIR_AFTER_REDISPATCH,
    /** Open: recovery is done, services not started. */
    OPEN_AFTER_RECOVERY,
    /** Close: the final checkpoint is written, the abort marker still present. */
    CLOSE_AFTER_CHECKPOINT;

    /** Called at each point. */
    @FunctionalInterface
    public interface Hook {
        Hook NONE = p -> {};

        void reach(CrashPoint point);
    }
}
