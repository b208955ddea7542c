package io.rocketkube.store.health;

import io.rocketkube.store.StoreHealth;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's health registry: its loops' {@link LoopMonitor}s, the latched fatal reasons and the
 * operator problems, assembled into a {@link StoreHealth} on demand.
 *
 * <p>A component that finds a condition the store cannot recover from by itself calls
 * {@link #latchFatal}; it stays latched until the store is reopened. Thread-safe.
 */
public final class HealthState {

    private static final Logger LOG = LoggerFactory.getLogger(HealthState.class);

    private final Clock clock;
    private final List<LoopMonitor> loops = new CopyOnWriteArrayList<>();
    private final List<String> fatal = new CopyOnWriteArrayList<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    public HealthState(Clock clock) {
        this.clock = clock;
    }

    /** A new monitor for one loop, included in every snapshot from now on. */
    public LoopMonitor loop(String name, boolean critical) {
        LoopMonitor m = new LoopMonitor(name, critical, clock);
        loops.add(m);
        return m;
    }

    /** Latches a fatal reason (once per distinct reason). */
    public void latchFatal(String reason) {
        if (!fatal.contains(reason)) {
            LOG.error("store is no longer live: {}", reason);
            fatal.add(reason);
        }
    }

    /** Records a finding for the operator that does not affect liveness. */
    public void reportProblem(String problem) {
        problems.add(problem);
    }

    public void closed() {
        open = false;
    }

    /** The health now, without disk figures (tests of the loops alone). */
    public StoreHealth snapshot() {
        return snapshot(false, 0);
    }

    /** The health now; the disk figures come from the store's write gate. */
    public StoreHealth snapshot(boolean diskFull, double diskUsedRatio) {
        List<StoreHealth.ThreadHealth> threads = new ArrayList<>();
        for (LoopMonitor m : loops) {
            threads.add(m.snapshot());
        }
        return new StoreHealth(open, threads, fatal, problems, diskFull, diskUsedRatio);
    }
}
