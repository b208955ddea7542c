package io.rocketkube.operator.reconcile;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Like a Deployment's {@code progressDeadlineSeconds}: a phase that waits for pods to become ready
 * (creating the cluster, scaling out, rolling the NameServers or the brokers) and lasts longer
 * than the deadline turns Progressing False with reason {@value #EXCEEDED}. Pure.
 *
 * <p>The phase's start is the Progressing condition's lastTransitionTime, so nothing is held in
 * memory: the composer restarts that time whenever Progressing moves to another phase. Once
 * exceeded, it stays so until the pods are ready or the spec changes (a new generation starts a
 * new deadline, as a new rollout does for a Deployment). A broker roll makes progress one pod
 * at a time: each restart it makes starts the clock again (as a Deployment's new ready replica
 * does), so the deadline bounds the wait for one restarted pod (or for the slaves to catch up),
 * not the whole roll. Drains are not covered: they have their own timeout.
 */
public final class ProgressDeadline {

    public static final String EXCEEDED = "ProgressDeadlineExceeded";
    private static final Set<String> WAITING_ON_PODS =
            Set.of("Creating", "ScalingOut", "RollingNameServers", "RollingBrokers");

    private ProgressDeadline() {}

    /**
     * Whether the phase {@code reason} of generation {@code generation} is past its deadline.
     *
     * @param previous the Progressing condition of the last status
     */
    public static boolean exceeded(
            Optional<Condition> previous, String reason, Long generation, Duration deadline, Instant now) {
        if (!WAITING_ON_PODS.contains(reason) || previous.isEmpty()) {
            return false;
        }
        Condition last = previous.get();
        if ("False".equals(last.getStatus()) && EXCEEDED.equals(last.getReason())) {
            return Objects.equals(last.getObservedGeneration(), generation);
        }
        if (!"True".equals(last.getStatus())
                || !reason.equals(last.getReason())
                || last.getLastTransitionTime() == null) {
            return false;
        }
        return !now.isBefore(Instant.parse(last.getLastTransitionTime()).plus(deadline));
    }

    /** Whether Progressing enters a new phase while staying True: its clock starts again. */
    public static boolean newPhase(Optional<Condition> previous, String reason) {
        return previous.map(c -> "True".equals(c.getStatus()) && !reason.equals(c.getReason()))
                .orElse(false);
    }
}
