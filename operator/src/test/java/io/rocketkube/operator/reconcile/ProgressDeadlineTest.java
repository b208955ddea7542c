package io.rocketkube.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgressDeadlineTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(600);

    private static Optional<Condition> progressing(String status, String reason, long generation) {
        return Optional.of(new ConditionBuilder()
                .withType("Progressing")
                .withStatus(status)
                .withReason(reason)
                .withObservedGeneration(generation)
                .withLastTransitionTime(T0.toString())
                .build());
    }

    @Test
    void aPhaseWaitingOnPodsExceedsItsDeadlineOnlyOnceItHasPassed() {
        var creating = progressing("True", "Creating", 1);
        assertThat(ProgressDeadline.exceeded(creating, "Creating", 1L, DEADLINE, T0.plusSeconds(599)))
                .isFalse();
        assertThat(ProgressDeadline.exceeded(creating, "Creating", 1L, DEADLINE, T0.plusSeconds(600)))
                .isTrue();
        assertThat(ProgressDeadline.exceeded(
                        progressing("True", "ScalingOut", 1), "ScalingOut", 1L, DEADLINE, T0.plusSeconds(601)))
                .isTrue();
    }

    @Test
    void drainsHaveNoProgressDeadlineButBrokerRollsDo() {
        assertThat(ProgressDeadline.exceeded(
                        progressing("True", "ScalingIn", 1), "ScalingIn", 1L, DEADLINE, T0.plusSeconds(10_000)))
                .isFalse();
        assertThat(ProgressDeadline.exceeded(
                        progressing("True", "RollingBrokers", 1), "RollingBrokers", 1L, DEADLINE, T0.plusSeconds(599)))
                .isFalse();
        assertThat(ProgressDeadline.exceeded(
                        progressing("True", "RollingBrokers", 1), "RollingBrokers", 1L, DEADLINE, T0.plusSeconds(600)))
                .isTrue();
    }

    @Test
    void anotherPhaseStartsItsOwnClock() {
        // The last status was rolling brokers since T0; scaling out starts now.
        var rolling = progressing("True", "RollingBrokers", 1);
        assertThat(ProgressDeadline.exceeded(rolling, "ScalingOut", 1L, DEADLINE, T0.plusSeconds(10_000)))
                .isFalse();
        assertThat(ProgressDeadline.newPhase(rolling, "ScalingOut")).isTrue();
        assertThat(ProgressDeadline.newPhase(rolling, "RollingBrokers")).isFalse();
        assertThat(ProgressDeadline.newPhase(progressing("False", "Reconciled", 1), "ScalingOut"))
                .isFalse();
    }

    @Test
    void onceExceededItStaysUntilTheSpecChanges() {
        var exceeded = progressing("False", ProgressDeadline.EXCEEDED, 3);
        assertThat(ProgressDeadline.exceeded(exceeded, "ScalingOut", 3L, DEADLINE, T0))
                .isTrue();
        assertThat(ProgressDeadline.exceeded(exceeded, "ScalingOut", 4L, DEADLINE, T0))
                .isFalse();
    }
}
