package io.rocketkube.e2e.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What every server launcher shares: the one child process it owns, started and awaited the same way, and
 * stopped by its own PID with a grace period. Subclasses only say how the command line and readiness look.
 */
abstract class ChildServer {
    private final Duration stopGrace;
    private ChildProcess process;

    ChildServer(Duration stopGrace) {
        this.stopGrace = stopGrace;
    }

    /** Fails if the last process started is still alive: a node runs at most one process at a time. */
    protected final synchronized void checkNotRunning(String name) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
    }

    /** Forks {@code command} in {@code dir}, logging to {@code dir/logs/stdout.log}, and waits until ready. */
    protected final synchronized void launch(
            String name,
            Path dir,
            JavaCommand command,
            Map<String, String> env,
            ReadinessProbe ready,
            Duration readyTimeout) {
        checkNotRunning(name);
        process = ChildProcess.start(name, command.toList(), dir, env, dir.resolve("logs/stdout.log"));
        process.awaitReady(ready, readyTimeout);
    }

    /** SIGTERM to our own child, SIGKILL after the grace period; no-op if never started. */
    public synchronized void stop() {
        if (process != null) {
            process.stop(stopGrace);
        }
    }

    /** The current (or last) process; null before the first start. */
    public synchronized ChildProcess process() {
        return process;
    }
}
