package io.rocketkube.e2e.cluster.runner;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.rocketkube.e2e.testkit.ChildProcess;
import io.rocketkube.e2e.testkit.JavaCommand;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The kubelet's part for one Pod: its single container as a local JVM on the pod's own loopback
 * address, its probes, its restarts and its status.
 *
 * <p>Lifecycle: {@link #startContainer} once; {@link #tick} every 100 ms from the runner's probe
 * pool (never two ticks at once: the pool schedules each pod with a fixed delay); {@link
 * #terminate} once, when the Pod is gone from the store. The container restarts (restartPolicy
 * Always) when its process exits, with a back-off of 1, 2, 4, 8, then 10 s (Kubernetes: 10 s
 * doubling to 5 min; shortened so a CI run sees a crash loop recover), when the liveness probe
 * fails failureThreshold times in a row, and when the startup probe does. Restarts keep the pod's
 * address, its emptyDirs and its claims, as a container restart does.
 *
 * <p>Thread-safety: state is guarded by this object's monitor; the blocking stop of a process runs
 * outside it only in {@link #terminate}, which also stops {@link #tick} from restarting anything.
 */
final class PodProcess {

    private static final Logger LOG = Logger.getLogger(PodProcess.class.getName());

    private final Pod pod;
    private final Container container;
    private final AppImage app;
    private final String ip;
    private final PodFileSystem fs;
    private final PodEnvironment environment;
    private final RunnerOptions options;
    private final Instant startTime = Instant.now();
    private final List<String> claims;

    private ChildProcess process;
    private ProbeCheck startup;
    private ProbeCheck liveness;
    private ProbeCheck readiness;
    private boolean started;
    private boolean ready;
    private Instant readySince;
    private Instant containerStartedAt;
    private int restartCount;
    private Integer lastExitCode;
    private long restartNotBeforeNanos;
    private boolean terminating;

    PodProcess(
            Pod pod,
            AppImage app,
            String ip,
            PodFileSystem fs,
            PodEnvironment environment,
            RunnerOptions options,
            List<String> claims) {
        this.claims = List.copyOf(claims);
        this.pod = pod;
        this.container = pod.getSpec().getContainers().get(0);
        this.app = app;
        this.ip = ip;
        this.fs = fs;
        this.environment = environment;
        this.options = options;
    }

    String key() {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    String uid() {
        return pod.getMetadata().getUid();
    }

    /** The claims it mounts, as {@code namespace/claim}. */
    List<String> claims() {
        return claims;
    }

    Path podDir() {
        return fs.podDir();
    }

    String ip() {
        return ip;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    synchronized boolean isReady() {
        return ready;
    }

    synchronized void startContainer() {
        if (terminating) {
            return;
        }
        fs.refreshConfigVolumes();
        Map<String, String> env = environment.resolve(container, pod, ip, fs);
        List<String> args = new ArrayList<>();
        if (container.getArgs() != null) {
            container.getArgs().forEach(a -> args.add(fs.rewrite(a)));
        }
        JavaCommand command = JavaCommand.jar(app.jar())
                .jvmOptions(app.jvmOptions().toArray(String[]::new))
                .jvmOptions(options.extraJvmOptions().toArray(String[]::new))
                .systemProperty("java.io.tmpdir", fs.hostPath("/tmp"))
                .arguments(args.toArray(String[]::new));
        Path workDir = fs.hostPath(app.workingDir());
        process = ChildProcess.start(
                key() + "#" + restartCount, command.toList(), workDir, env, fs.logFile(restartCount));
        containerStartedAt = Instant.now();
        long now = System.nanoTime();
        startup = probe(container.getStartupProbe(), now);
        liveness = probe(container.getLivenessProbe(), now);
        readiness = probe(container.getReadinessProbe(), now);
        started = startup == null;
        ready = false;
        LOG.info(() -> "started " + key() + " on " + ip + " (pid " + process.pid() + ", restart " + restartCount + ")");
    }

    private ProbeCheck probe(io.fabric8.kubernetes.api.model.Probe declared, long now) {
        return declared == null ? null : new ProbeCheck(declared, container, ip, options.probePeriodCap(), now);
    }

    /**
     * One kubelet step: notice an exit, run the probes that are due, restart if they say so. The
     * probes (network calls of up to timeoutSeconds) run outside the monitor, so status() and
     * isReady() never wait behind a hung probe; their results are applied only if the container is
     * still the one probed.
     */
    void tick() {
        ChildProcess probed;
        ProbeCheck startupDue = null;
        ProbeCheck readinessDue = null;
        ProbeCheck livenessDue = null;
        long now = System.nanoTime();
        synchronized (this) {
            if (terminating || process == null || handleExit(now)) {
                return;
            }
            probed = process;
            if (!started) {
                startupDue = startup.due(now) ? startup : null;
            } else {
                readinessDue = readiness != null && readiness.due(now) ? readiness : null;
                livenessDue = liveness != null && liveness.due(now) ? liveness : null;
                if (readiness == null) {
                    setReady(true);
                }
            }
        }
        boolean startupOk = startupDue != null && startupDue.run(now);
        boolean readyOk = readinessDue != null && readinessDue.run(now);
        boolean liveOk = livenessDue != null && livenessDue.run(now);
        ChildProcess toRestart = null;
        synchronized (this) {
            if (terminating || process != probed) {
                return;
            }
            if (startupDue != null) {
                if (startupOk && startup.succeededPastThreshold()) {
                    started = true;
                    if (liveness != null) {
                        liveness.reset(now);
                    }
                    if (readiness != null) {
                        readiness.reset(now);
                    }
                } else if (!startupOk && startup.failedPastThreshold()) {
                    LOG.warning(() -> key() + " failed its startup probe; restarting the container");
                    toRestart = process;
                }
            }
            if (readinessDue != null) {
                if (readyOk && readiness.succeededPastThreshold()) {
                    setReady(true);
                } else if (!readyOk && readiness.failedPastThreshold()) {
                    setReady(false);
                }
            }
            if (livenessDue != null && !liveOk && liveness.failedPastThreshold()) {
                LOG.warning(() -> key() + " failed its liveness probe; restarting the container");
                toRestart = process;
            }
            if (toRestart != null) {
                setReady(false);
            }
        }
        if (toRestart != null) {
            restart(toRestart);
        }
    }

    /** An exited container: back off, then start it again. Returns true if it had exited. */
    private boolean handleExit(long now) {
        if (process.isAlive()) {
            return false;
        }
        if (lastExitCode == null) {
            lastExitCode = process.stop(Duration.ZERO);
            setReady(false);
            restartNotBeforeNanos = now + backoff().toNanos();
            LOG.warning(() -> key() + " exited with " + lastExitCode + "; restarting in " + backoff());
        }
        if (now - restartNotBeforeNanos >= 0) {
            restartCount++;
            lastExitCode = null;
            startContainer();
        }
        return true;
    }

    private void restart(ChildProcess old) {
        old.stop(gracePeriod());
        synchronized (this) {
            if (terminating) {
                return;
            }
            lastExitCode = null;
            restartCount++;
            startContainer();
        }
    }

    private void setReady(boolean value) {
        if (ready != value) {
            ready = value;
            readySince = Instant.now();
        }
    }

    private Duration backoff() {
        return Duration.ofSeconds(Math.min(10, 1L << Math.min(restartCount, 4)));
    }

    Duration gracePeriod() {
        Long seconds = pod.getSpec().getTerminationGracePeriodSeconds();
        return Duration.ofSeconds(seconds == null ? 30 : seconds);
    }

    /** SIGTERM, then SIGKILL after terminationGracePeriodSeconds. Blocks until the process is gone. */
    void terminate() {
        ChildProcess last;
        synchronized (this) {
            terminating = true;
            ready = false;
            last = process;
        }
        if (last != null) {
            int code = last.stop(gracePeriod());
            LOG.info(() -> "stopped " + key() + " (exit " + code + ")");
        }
    }

    /** The status the kubelet would report now. */
    synchronized PodStatus status() {
        boolean running = process != null && process.isAlive() && !terminating;
        String readyFlag = ready ? "True" : "False";
        String since = (readySince == null ? startTime : readySince).toString();
        List<PodCondition> conditions = List.of(
                condition("PodScheduled", "True", startTime.toString()),
                condition("Initialized", "True", startTime.toString()),
                condition("ContainersReady", readyFlag, since),
                condition("Ready", readyFlag, since));
        ContainerStatusBuilder containerStatus = new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withImageID("")
                .withContainerID("local://" + pid())
                .withReady(ready)
                .withStarted(running && started)
                .withRestartCount(restartCount);
        if (running) {
            containerStatus
                    .withNewState()
                    .withNewRunning()
                    .withStartedAt(containerStartedAt.toString())
                    .endRunning()
                    .endState();
        } else {
            containerStatus
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState();
        }
        ContainerStatus cs = containerStatus.build();
        return new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP(ip)
                .addNewPodIP()
                .withIp(ip)
                .endPodIP()
                .withHostIP("127.0.0.1")
                .withStartTime(startTime.toString())
                .withConditions(conditions)
                .withContainerStatuses(cs)
                .build();
    }

    private static PodCondition condition(String type, String status, String since) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withLastTransitionTime(since)
                .build();
    }

    synchronized Instant readySince() {
        return ready ? readySince : null;
    }
}
