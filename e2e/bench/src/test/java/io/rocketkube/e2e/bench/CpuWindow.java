package io.rocketkube.e2e.bench;

import io.rocketkube.e2e.testkit.CpuTime;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * CPU ticks of the load generator (this JVM), a master and its slave, and the whole machine, taken at
 * the start and the end of a measured window, so that each can be divided by the sends of that window.
 * The snapshots are taken on timers started with the load, not after it returns, so the tail of the
 * last sends (which are not counted) is not charged either.
 */
final class CpuWindow {

    /**
     * CPU per message of one window, in microseconds; {@code other} is the machine's minus the three processes'.
     * The syscall figures are read and write system calls and context switches per message ({@link Syscalls}).
     */
    record PerMessage(
            double client,
            double master,
            double slave,
            double machine,
            SyscallsPerMessage clientCalls,
            SyscallsPerMessage masterCalls,
            SyscallsPerMessage slaveCalls) {
        double other() {
            return machine - client - master - slave;
        }
    }

    record SyscallsPerMessage(double reads, double writes, double switches) {
        static SyscallsPerMessage of(Syscalls.Count delta, long messages) {
            double n = Math.max(1, messages);
            return new SyscallsPerMessage(delta.reads() / n, delta.writes() / n, delta.switches() / n);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", reads, writes, switches);
        }
    }

    private record Snapshot(
            long client,
            long master,
            long slave,
            long machine,
            Syscalls.Count clientCalls,
            Syscalls.Count masterCalls,
            Syscalls.Count slaveCalls) {
        static Snapshot take(long masterPid, long slavePid) {
            long self = ProcessHandle.current().pid();
            return new Snapshot(
                    CpuTime.processTicks(self),
                    CpuTime.processTicks(masterPid),
                    CpuTime.processTicks(slavePid),
                    CpuTime.machineBusyTicks(),
                    Syscalls.of(self),
                    Syscalls.of(masterPid),
                    Syscalls.of(slavePid));
        }
    }

    private final CompletableFuture<Snapshot> start;
    private final CompletableFuture<Snapshot> end;

    /** Starts the timers now: the window runs from {@code warmup} to {@code warmup + duration} from now. */
    CpuWindow(long masterPid, long slavePid, Duration warmup, Duration duration) {
        this.start = CompletableFuture.supplyAsync(
                () -> Snapshot.take(masterPid, slavePid),
                CompletableFuture.delayedExecutor(warmup.toMillis(), TimeUnit.MILLISECONDS));
        this.end = CompletableFuture.supplyAsync(
                () -> Snapshot.take(masterPid, slavePid),
                CompletableFuture.delayedExecutor(warmup.plus(duration).toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Waits for the end of the window and divides each process's ticks by {@code messages}. */
    PerMessage perMessage(long messages) throws Exception {
        Snapshot a = start.get(1, TimeUnit.MINUTES);
        Snapshot b = end.get(1, TimeUnit.MINUTES);
        double scale = CpuTime.MICROS_PER_TICK / Math.max(1, messages);
        return new PerMessage(
                (b.client() - a.client()) * scale,
                (b.master() - a.master()) * scale,
                (b.slave() - a.slave()) * scale,
                (b.machine() - a.machine()) * scale,
                SyscallsPerMessage.of(b.clientCalls().minus(a.clientCalls()), messages),
                SyscallsPerMessage.of(b.masterCalls().minus(a.masterCalls()), messages),
                SyscallsPerMessage.of(b.slaveCalls().minus(a.slaveCalls()), messages));
    }
}
