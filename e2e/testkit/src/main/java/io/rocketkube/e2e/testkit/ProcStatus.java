package io.rocketkube.e2e.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads fields of Linux's {@code /proc/<pid>/status}. */
public final class ProcStatus {

    private ProcStatus() {}

    /** Resident set size (VmRSS) in KiB. */
    public static long vmRssKib(long pid) {
        try {
            return parseKib(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), "VmRSS:");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status", e);
        }
    }

    /**
     * Anonymous resident memory (RssAnon) in KiB: heap, stacks, direct buffers, JIT code. VmRSS also
     * counts the touched pages of memory-mapped files (the CommitLog), which are page cache the kernel
     * can drop.
     */
    public static long rssAnonKib(long pid) {
        try {
            return parseKib(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")), "RssAnon:");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/" + pid + "/status", e);
        }
    }

    /** The value of a "Name:   1234 kB" line. */
    static long parseKib(List<String> statusLines, String field) {
        for (String line : statusLines) {
            if (line.startsWith(field)) {
                String[] parts = line.substring(field.length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected " + field + " line: " + line);
                }
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalArgumentException("no " + field + " line");
    }
}
