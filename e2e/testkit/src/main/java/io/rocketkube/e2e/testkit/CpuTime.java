package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time read from Linux's /proc, in clock ticks (USER_HZ, 100 a second on every Linux the
 * benchmark runs on): a process's user + system time, and the machine's busy time over all cores. On
 * two cores shared by the load generator and both brokers, throughput is bounded by the CPU a message
 * costs over all of them, so the benchmark reports it per message and per process.
 */
public final class CpuTime {

    public static final double MICROS_PER_TICK = 10_000;

    private CpuTime() {}

    /** utime + stime of {@code pid} (all its threads, not its children). */
    public static long processTicks(long pid) {
        return parseProcessTicks(read(Path.of("/proc", Long.toString(pid), "stat")));
    }

    /**
     * utime + stime of each live thread of {@code pid}, summed by {@link #threadGroup} of its name: a
     * process's CPU by the job its threads do (a thread that ended since is missing, so the sum can be
     * below {@link #processTicks}).
     */
    public static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> ticks = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException ended) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                ticks.merge(threadGroup(name), parseProcessTicks(stat), Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the threads of " + pid, e);
        }
        return ticks;
    }

    /**
     * A thread's name (at most 15 characters in /proc) without its numbering, so that a pool's threads
     * ("GC Thread#0", "GC Thread#1") count as one.
     */
    public static String threadGroup(String name) {
        return name.replaceAll("([-#_ ]?[0-9]+)+$", "").trim();
    }

    /** Busy time of all cores together: everything in /proc/stat's "cpu" line except idle and iowait. */
    public static long machineBusyTicks() {
        return parseMachineBusyTicks(read(Path.of("/proc/stat")));
    }

    /** Fields 14 (utime) and 15 (stime) of a /proc/&lt;pid&gt;/stat line; the command name may hold spaces. */
    public static long parseProcessTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    public static long parseMachineBusyTicks(String procStat) {
        String cpu = procStat.lines()
                .filter(line -> line.startsWith("cpu "))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cpu line"));
        String[] fields = cpu.substring(4).trim().split("\\s+");
        long busy = 0;
        // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
        for (int i = 0; i < Math.min(fields.length, 8); i++) {
            if (i != 3 && i != 4) {
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
