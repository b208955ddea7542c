package io.rocketkube.e2e.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server "pod": one child process that this JVM started, with its output in a log file.
 *
 * <p>Only ever signals its own process, by the handle (and so the PID) it got from {@link
 * ProcessBuilder#start()}. Every live child is also registered with a JVM shutdown hook, so a test
 * JVM that dies or is interrupted does not leave servers behind.
 *
 * <p>Thread-safety: {@link #stop}, {@link #isAlive} and {@link #residentMemoryKib} may be called
 * from any thread; {@link #awaitReady} is meant to be called once, by the thread that started it.
 */
public final class ChildProcess implements AutoCloseable {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "e2e-child-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final long startedNanos;
    private volatile Duration bootToReady;

    private ChildProcess(String name, Process process, Path logFile, long startedNanos) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code command} in {@code workDir} with stdout and stderr appended to {@code logFile}.
     * The boot clock starts right before the fork.
     */
    public static ChildProcess start(
            String name, List<String> command, Path workDir, Map<String, String> env, Path logFile) {
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            // Appended, not replaced: a restarted server keeps the log of its previous run (what a kill -9 test
            // needs when it fails after the restart).
            Files.writeString(
                    logFile,
                    "# " + String.join(" ", command) + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(env);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        LIVE.add(process);
        process.onExit().thenRun(() -> LIVE.remove(process));
        return new ChildProcess(name, process, logFile, started);
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    /**
     * Polls {@code probe} every 20 ms until it is ready, and returns the time from the fork to the
     * first ready answer. Fails at once, with the log's tail, if the process exits meanwhile.
     */
    public Duration awaitReady(ReadinessProbe probe, Duration timeout) {
        try {
            await(name + " ready (" + probe.describe() + ")")
                    .atMost(timeout)
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException(name + " exited with " + process.exitValue()
                                    + " before it was ready; log " + logFile + ":\n" + logTail(40));
                        }
                        return probe.isReady();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException(e.getMessage() + "; log " + logFile + ":\n" + logTail(40), e);
        }
        bootToReady = Duration.ofNanos(System.nanoTime() - startedNanos);
        return bootToReady;
    }

    /** Fork-to-ready time of the last successful {@link #awaitReady}, or null before that. */
    public Duration bootToReady() {
        return bootToReady;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** VmRSS of the process from /proc/&lt;pid&gt;/status, in KiB. */
    public long residentMemoryKib() {
        return ProcStatus.vmRssKib(process.pid());
    }

    /** Anonymous resident memory (RssAnon), KiB: VmRSS without the touched pages of mapped files. */
    public long anonymousMemoryKib() {
        return ProcStatus.rssAnonKib(process.pid());
    }

    /**
     * SIGTERM, then SIGKILL if the process has not exited within {@code grace}. Returns the exit code.
     * Idempotent.
     */
    public int stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(30, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILL: simulates a crash. Returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    /** The last {@code lines} lines of the log file (for failure messages). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
