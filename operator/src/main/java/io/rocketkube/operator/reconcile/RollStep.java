package io.rocketkube.operator.reconcile;

/** The roll planner's answer: nothing to do, wait for something, or restart one pod. */
public sealed interface RollStep {

    /** Every pod runs its current configuration. */
    record Idle() implements RollStep {}

    /** A roll is under way but the next restart is not safe yet; {@code reason} says why. */
    record Wait(String group, String reason) implements RollStep {}

    /**
     * Delete {@code pod}, which failed (it is not ready and {@link PodTrouble} knows why) while running an
     * outdated configuration, so that its StatefulSet recreates it with the current one. It serves nothing, so
     * no gate of the roll applies, and no write stop: this is how a user recovers from a bad change by
     * fixing the spec, since the StatefulSets' OnDelete strategy never replaces a pod by itself.
     */
    record Replace(String group, String pod, String reason) implements RollStep {}

    /** Delete {@code pod} so that its StatefulSet recreates it with the current configuration. */
    record Restart(String group, String pod, boolean master, String reason) implements RollStep {}
}
