package io.rocketkube.operator.reconcile;

/** The roll planner's answer: nothing to do, wait for something, or restart one pod. */
public sealed interface RollStep {

    /** Every pod runs its current configuration. */
    record Idle() implements RollStep {}

    /** A roll is under way but the next restart is not safe yet; {@code reason} says why. */
    record Wait(String group, String reason) implements RollStep {}

    /** Delete {@code pod} so that its StatefulSet recreates it with the current configuration. */
    record Restart(String group, String pod, boolean master, String reason) implements RollStep {}
}
