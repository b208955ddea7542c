package io.rocketkube.e2e.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How often a process enters the kernel for I/O and how often its threads sleep, from Linux's /proc:
 * <ul>
 *   <li>read and write system calls ({@code syscr}, {@code syscw} of /proc/&lt;pid&gt;/io; all threads, finished
 *   ones included). These are {@code read}, {@code readv}, {@code write}, {@code writev}: what Java NIO (the
 *   official client) uses on sockets, and a selector's wake-up pipe. Netty's native epoll transport (our brokers)
 *   reads with {@code recvfrom} and writes one buffer with {@code sendto}, which are not counted, so the figures
 *   compare like with like only for NIO processes (the load generator, Apache's brokers);</li>
 *   <li>context switches, voluntary and not, summed over the live threads of /proc/&lt;pid&gt;/task (a thread that
 *   ended in the window takes its count with it): each is a thread that slept and was woken, or was preempted.</li>
 * </ul>
 * Per message, the load generator's reads show whether a broker's answers arrive one by one or together.
 */
final class Syscalls {

    record Count(long reads, long writes, long switches) {
        Count minus(Count earlier) {
            return new Count(reads - earlier.reads, writes - earlier.writes, switches - earlier.switches);
        }
    }

    private Syscalls() {}

    static Count of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            Count io = parse(Files.readString(proc.resolve("io")));
            long switches = 0;
            try (var tasks = Files.list(proc.resolve("task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        switches += parseSwitches(Files.readString(task.resolve("status")));
                    } catch (IOException ended) {
                        // the thread ended between the listing and the read
                    }
                }
            }
            return new Count(io.reads(), io.writes(), switches);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc, e);
        }
    }

    /** voluntary_ctxt_switches + nonvoluntary_ctxt_switches of a /proc/&lt;pid&gt;/task/&lt;tid&gt;/status. */
    static long parseSwitches(String status) {
        long sum = 0;
        for (String line : status.lines().toList()) {
            if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return sum;
    }

    /** syscr and syscw of a /proc/&lt;pid&gt;/io; no context switches. */
    static Count parse(String procIo) {
        long reads = -1;
        long writes = -1;
        for (String line : procIo.lines().toList()) {
            if (line.startsWith("syscr:")) {
                reads = Long.parseLong(line.substring(6).trim());
            } else if (line.startsWith("syscw:")) {
                writes = Long.parseLong(line.substring(6).trim());
            }
        }
        if (reads < 0 || writes < 0) {
            throw new IllegalArgumentException("no syscr/syscw in " + procIo);
        }
        return new Count(reads, writes, 0);
    }
}
